"""Check that one version number drives the release, and print its notes.

Usage:
    python tools/release_check.py [--tag vX.Y.Z] [--notes]

``d2lmini.__version__`` is the version. The newest section of CHANGELOG.md
(``## [X.Y.Z] - YYYY-MM-DD``) and the install cell of every chapter
(``pip install d2lmini==X.Y.Z``, written by ``make sync-install-cell``) must
name the same one, and with ``--tag`` so must the git tag being released.
Exits 1 and names each disagreement; with ``--notes`` prints the changelog
section of the version (the text of the GitHub release) when all agree.
The release workflow (.github/workflows/release.yml) runs it on every tag,
tests/test_release.py on every test run.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from bookconfig import ROOT, chapter_notebooks, install_cell_source, package_version

SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)


def changelog_sections(text: str) -> list[tuple[str, str]]:
    """``(version, body)`` of every ``## [X.Y.Z] - date`` section, newest first."""
    matches = list(SECTION.finditer(text))
    ends = [m.start() for m in matches[1:]] + [len(text)]
    return [(m["version"], text[m.end() : end].strip()) for m, end in zip(matches, ends)]


def problems(root: Path = ROOT, tag: str | None = None) -> list[str]:
    """Every place that disagrees with ``d2lmini.__version__``, as messages."""
    version = package_version(root)
    found = []
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        found.append(f"d2lmini.__version__ is {version!r}; a release needs X.Y.Z")
    if tag is not None and tag != f"v{version}":
        found.append(f"the tag is {tag!r} but d2lmini.__version__ is {version!r}: tag v{version}, or change the version")
    changelog = root / "CHANGELOG.md"
    sections = changelog_sections(changelog.read_text(encoding="utf8")) if changelog.exists() else []
    if not sections or sections[0][0] != version:
        newest = sections[0][0] if sections else "none"
        found.append(f"CHANGELOG.md's newest section is [{newest}], not [{version}]: add `## [{version}] - YYYY-MM-DD`")
    expected = install_cell_source(root)
    for path in chapter_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        first = next((c for c in nb.cells if c.cell_type == "code"), None)
        if first is None or first.source != expected:
            found.append(f"{path.relative_to(root)}: the install cell does not install d2lmini=={version} (make sync-install-cell)")
    return found


def notes(root: Path = ROOT) -> str:
    """The CHANGELOG.md section of the current version."""
    return changelog_sections((root / "CHANGELOG.md").read_text(encoding="utf8"))[0][1]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", help="the git tag being released, e.g. v0.2.0")
    parser.add_argument("--notes", action="store_true", help="print the changelog section of the version")
    args = parser.parse_args(argv)
    found = problems(tag=args.tag)
    if found:
        print("\n".join(found), file=sys.stderr)
        return 1
    print(notes() if args.notes else f"version {package_version()} agrees everywhere")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
