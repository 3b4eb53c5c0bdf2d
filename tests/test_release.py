"""One version drives the release; the package is honest about what it needs.

``d2lmini.__version__``, CHANGELOG.md, every chapter's install cell and the
release tag must agree (tools/release_check.py, run by the release workflow);
the Python floor in pyproject.toml must compile the package; building a wheel
must leave nothing untracked in a checkout.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import release_check  # noqa: E402
from bookconfig import install_cell_source, package_version  # noqa: E402


def test_version_changelog_and_install_cells_agree():
    assert release_check.problems() == []
    assert f'%pip install --quiet "d2lmini=={package_version()}"' in install_cell_source()


def planted_root(tmp_path: Path, version: str, changelog_version: str, cell_version: str) -> Path:
    (tmp_path / "d2lmini").mkdir(parents=True)
    (tmp_path / "d2lmini" / "__init__.py").write_text(f'__version__ = "{version}"\n')
    (tmp_path / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{changelog_version}] - 2026-11-30\n\n- Fixed.\n\n## [0.0.1] - 2026-01-01\n\n- First.\n")
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "intro", "chapters": [{"file": "ch"}]}))
    (tmp_path / "d2lmini" / "__init__.py").write_text(f'__version__ = "{cell_version}"\n')
    cell = install_cell_source(tmp_path)
    (tmp_path / "d2lmini" / "__init__.py").write_text(f'__version__ = "{version}"\n')
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), tmp_path / "ch.ipynb")
    return tmp_path


def test_release_check_names_each_disagreement(tmp_path):
    good = planted_root(tmp_path / "good", "1.2.3", "1.2.3", "1.2.3")
    assert release_check.problems(good, tag="v1.2.3") == []
    assert release_check.notes(good) == "- Fixed."

    [tag] = release_check.problems(good, tag="v1.2.4")
    assert "'v1.2.4'" in tag and "'1.2.3'" in tag
    stale = planted_root(tmp_path / "stale", "1.3.0", "1.2.3", "1.2.3")
    changelog, cell = release_check.problems(stale)
    assert "[1.2.3], not [1.3.0]" in changelog
    assert "ch.ipynb" in cell and "d2lmini==1.3.0" in cell and "make sync-install-cell" in cell


def test_release_workflow_checks_the_tag_and_publishes_with_trusted_publishing():
    workflow = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    assert workflow[True]["push"]["tags"] == ["v*.*.*"]  # YAML reads the key `on` as True
    steps = "\n".join(str(step) for job in workflow["jobs"].values() for step in job["steps"])
    assert 'release_check.py --tag "$GITHUB_REF_NAME"' in steps and "python -m build" in steps
    assert workflow["jobs"]["pypi"]["permissions"] == {"id-token": "write"}
    assert "pypa/gh-action-pypi-publish" in steps and "password" not in steps
    assert "gh release create" in steps and "dist/*" in steps


def python_floor() -> str:
    text = (ROOT / "pyproject.toml").read_text()
    return re.search(r'requires-python = ">=(\d+\.\d+)"', text).group(1)


def test_python_floor_matches_torch_and_compiles_the_package(tmp_path):
    """PyTorch 2.9 and newer need Python 3.10; the package must compile there.

    The floor's interpreter is used when this machine has one (pyenv or PATH);
    importing needs a PyTorch build for it, which only the book's own Python has.
    """
    floor = python_floor()
    assert floor == "3.10"
    pyenv = glob.glob(str(Path.home() / f".pyenv/versions/{floor}.*/bin/python{floor}"))
    found = next(iter(pyenv), None) or shutil.which(f"python{floor}")
    if found is None:
        pytest.skip(f"no Python {floor} interpreter on this machine")
    sources = [str(p) for p in sorted((ROOT / "d2lmini").glob("*.py"))]
    result = subprocess.run(
        [found, "-c", "import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, 'exec')", *sources],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_building_the_wheel_leaves_nothing_untracked(tmp_path):
    """`pip wheel .` in a checkout: its build/ and *.egg-info/ are ignored by git."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    checkout = tmp_path / "checkout"
    for name in filter(None, files.split("\0")):
        if name.startswith(("chapters/", "tests/", "node_modules/")) or not (ROOT / name).is_file():
            continue
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, checkout / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=checkout, check=True)
    subprocess.run([*git, "add", "-A"], cwd=checkout, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=checkout, check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), "."],
        cwd=checkout, check=True,
    )  # fmt: skip
    assert list((tmp_path / "dist").glob("d2lmini-*.whl"))
    status = subprocess.run(["git", "status", "--porcelain"], cwd=checkout, capture_output=True, text=True, check=True).stdout
    assert status == "", f"pip wheel left untracked files: {status}"
