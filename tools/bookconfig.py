"""What the book's tooling reads from _config.yml, _toc.yml and the package.

_config.yml's ``repository.url`` is the single place that names the repository;
everything that needs the URL (the install cell of every chapter, the intro
page, the launch buttons) derives it from there through this module or
through Jupyter Book itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# The first code cell of every chapter. Colab and Binder run it; locally (and
# in CI) d2lmini is importable, so it only costs an import.
INSTALL_CELL = '''\
# Colab and Binder: install d2lmini when it is not importable (skipped locally).
try:
    import d2lmini
except ImportError:
    %pip install --quiet "d2lmini @ git+{url}@v{version}"
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


def package_version(root: Path = ROOT) -> str:
    """``d2lmini.__version__``, read from the source without importing torch."""
    text = (root / "d2lmini" / "__init__.py").read_text(encoding="utf8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise ValueError("d2lmini/__init__.py defines no __version__")
    return match.group(1)


def install_cell_source(root: Path = ROOT) -> str:
    """The exact source every chapter's first code cell must have."""
    url, _ = repository(root)
    return INSTALL_CELL.format(url=url, version=package_version(root))


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
