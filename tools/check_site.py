"""Checks of a built book site: nothing may come from a third-party host.

Usage: python tools/check_site.py [SITE_DIR]   (default: _build/html)

A reader behind a firewall, or in a classroom without internet, must get
every script, stylesheet, font and image from the site itself. Links that the
reader clicks (Colab, Binder, GitHub) are fine; resources the page loads are
not. Used by tests/test_book.py and tests/test_book_browser.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ABSOLUTE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_REMOTE = re.compile(r"(@import\s+(url\()?\s*['\"]?|url\(\s*['\"]?)(https?:)?//", re.I)
# Loaded by a page when ipywidgets state is stored; never wanted here.
WIDGET_JS = re.compile(r"require(\.min)?\.js|@jupyter-widgets/html-manager|embed-amd\.js", re.I)
LOADING_ATTRIBUTES = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
}
# <link rel=...> values that make the browser fetch the resource.
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut", "apple-touch-icon", "manifest"}


def third_party_resources(html: str) -> list[str]:
    """Resources an HTML page would load from another host (links to click are fine)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag, attributes in LOADING_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute) or ""
                if any(ABSOLUTE.match(part) for part in value.split(",")):
                    found.append(f"<{tag} {attribute}={value}>")
    for element in soup.find_all("link"):
        rels = {r.lower() for r in (element.get("rel") or [])}
        if rels & LOADING_RELS and ABSOLUTE.match(element.get("href") or ""):
            found.append(f"<link rel={' '.join(sorted(rels))} href={element.get('href')}>")
    for element in soup.find_all("style"):
        if CSS_REMOTE.search(element.get_text()):
            found.append("<style> with a remote @import or url()")
    for element in soup.find_all("script"):
        if WIDGET_JS.search(element.get("src") or "") or WIDGET_JS.search(element.get_text()):
            found.append("widget JavaScript (require.js / html-manager)")
    return found


def site_problems(site: Path) -> list[str]:
    """Every third-party resource of every page and stylesheet under ``site``."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        if rel.parts[0] == "_static" and "mathjax" in rel.parts:
            continue
        problems += [f"{rel}: {p}" for p in third_party_resources(page.read_text(encoding="utf8", errors="replace"))]
    for css in sorted(site.rglob("*.css")):
        if CSS_REMOTE.search(css.read_text(encoding="utf8", errors="replace")):
            problems.append(f"{css.relative_to(site)}: remote @import or url()")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "_build" / "html"
    problems = site_problems(site)
    print("\n".join(problems) or f"{site}: no third-party resources")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
