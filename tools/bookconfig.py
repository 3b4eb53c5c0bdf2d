"""What the book's tooling reads from _config.yml, _toc.yml and the package.

_config.yml's ``repository.url`` is the single place that names the repository;
everything that needs the URL (the intro page, the launch buttons, the
learner-notebook branch) derives it from there through this module or through
Jupyter Book itself. ``d2lmini.__version__`` is the single place that names the
release: the install cell of every chapter, CHANGELOG.md and the release tag
must agree with it (tools/release_check.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# The first code cell of every chapter. It installs exactly the d2lmini release
# the chapter was executed with, and only where d2lmini is missing or older
# (Colab, Binder, a fresh environment); locally, and in CI, it only reads the
# installed version. {version_tuple} is that release as a tuple, e.g. (0, 2, 0).
INSTALL_CELL = '''\
# Colab and Binder: install d2lmini {version}, the release this notebook was run with.
from importlib.metadata import PackageNotFoundError, version
try:
    missing = tuple(map(int, version("d2lmini").split(".")[:3])) < {version_tuple}  # or older
except (PackageNotFoundError, ValueError):
    missing = True
if missing:
    %pip install --quiet "d2lmini=={version}"
import d2lmini'''


def load_config(root: Path = ROOT) -> dict:
    """The book's _config.yml as a dict."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf8"))


def repository(root: Path = ROOT) -> tuple[str, str]:
    """``(url, branch)`` from _config.yml, the URL without a trailing slash."""
    repo = load_config(root).get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not url.startswith("https://github.com/"):
        raise ValueError(f"_config.yml repository.url must be a GitHub URL, not {url!r}")
    # Jupyter Book falls back to "master" when the branch is not given.
    return url, str(repo.get("branch", "master"))


def site_url(root: Path = ROOT) -> str:
    """Where GitHub Pages publishes the book: ``https://OWNER.github.io/REPO/``."""
    owner, name = repository(root)[0].removeprefix("https://github.com/").split("/")[:2]
    return f"https://{owner}.github.io/{name}/"


def package_version(root: Path = ROOT) -> str:
    """``d2lmini.__version__``, read from the source without importing torch."""
    text = (root / "d2lmini" / "__init__.py").read_text(encoding="utf8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise ValueError("d2lmini/__init__.py defines no __version__")
    return match.group(1)


def install_cell_source(root: Path = ROOT) -> str:
    """The exact source every chapter's first code cell must have."""
    version = package_version(root)
    return INSTALL_CELL.format(version=version, version_tuple=tuple(int(p) for p in version.split(".")))


def toc_files(root: Path = ROOT) -> list[str]:
    """Every file listed in _toc.yml (root first), without suffix, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks in _toc.yml order."""
    return [root / f"{f}.ipynb" for f in toc_files(root) if (root / f"{f}.ipynb").exists()]
