"""Print the environment of an emulated *different* machine, for ``make test-portable``.

Usage: env $(python tools/portable_env.py) pytest --nbval ...

Each knob changes the results of training (benchmarks/portability_knobs.py):
ATen's vectorised kernels, MKL's matrix products and oneDNN's convolutions are
held one instruction-set level below this machine's (AVX2 on an AVX-512 CPU;
the generic kernels and SSE4 on anything else), and torch runs one thread
instead of all cores. Staying one level below, not at the bottom, keeps the
emulated run faster while it still differs from the native one. (A CPU whose
ATen kernels are already the generic ones can only differ in threads and
libraries.)
"""

from __future__ import annotations

import torch

BELOW = {  # this machine's ATen capability -> (ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS, ONEDNN_MAX_CPU_ISA)
    "AVX512": ("avx2", "AVX2", "AVX2"),
}
GENERIC = ("default", "SSE4_2", "SSE41")


def portable_env(capability: str) -> dict[str, str]:
    """The knobs that emulate a machine different from one with ATen ``capability`` (e.g. ``"AVX512"``)."""
    aten, mkl, onednn = BELOW.get(capability, GENERIC)
    return {"ATEN_CPU_CAPABILITY": aten, "MKL_ENABLE_INSTRUCTIONS": mkl, "ONEDNN_MAX_CPU_ISA": onednn,
            "OMP_NUM_THREADS": "1"}  # fmt: skip


if __name__ == "__main__":
    print(" ".join(f"{k}={v}" for k, v in portable_env(torch.backends.cpu.get_cpu_capability()).items()))
