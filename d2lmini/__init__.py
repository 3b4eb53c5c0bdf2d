"""d2lmini: the small, tested helper package of the d2lmini course.

Everything a chapter needs is importable from the top level, e.g.
``d2lmini.load_data_fashion_mnist``; the modules group it by topic.
The public API is versioned: names are only ever added within a major version.
"""

from .classification import accuracy, confusion_matrix, cross_entropy, evaluate_accuracy, model_device, softmax
from .data import (
    FASHION_MNIST_LABELS,
    DatasetError,
    InMemoryLoader,
    data_dirs,
    fashion_mnist_torchvision,
    find_fashion_mnist,
    get_fashion_mnist_labels,
    load_data_fashion_mnist,
    read_fashion_mnist,
    read_idx,
    user_cache_dir,
)
from .plot import Animator, in_notebook, plot, set_figsize, show_images, use_png_display
from .regression import data_iter, linreg, load_array, sgd, squared_loss, synthetic_data
from .selfcheck import Option, SelfCheck, selfcheck
from .summary import LayerSummary, summary
from .train import EpochStats, predict, predict_ch3, train, train_ch3, train_epoch
from .utils import Accumulator, Timer, cpu, num_gpus, seed, try_gpu

__version__ = "0.3.1"
