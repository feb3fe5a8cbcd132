"""A pinned reveal.js from the npm registry, copied next to the HTML deck so it runs with no network.

manim-slides' template loads reveal.js from a CDN; the deck points its ``cdn_url`` at the local copy instead.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup

from production import lifetime

REVEAL_VERSION = "6.0.1"  # the version manim-slides 5.7.0's template is written for
LOCAL_DIR = "reveal.js"
# The files manim-slides' revealjs.html template references (themes: black for dark, white for light).
FILES = ("dist/reveal.css", "dist/reveal.js", "dist/theme/black.css", "dist/theme/white.css",
         "dist/plugin/highlight/zenburn.css", "dist/plugin/notes.js", "dist/plugin/markdown.js", "LICENSE")


def fetch(cache: Path, version: str = REVEAL_VERSION) -> Path:
    """The unpacked npm package of reveal.js ``version`` under ``cache`` (``npm pack`` on first use)."""
    package = cache / f"reveal.js-{version}" / "package"
    manifest = package / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text())["version"] == version:
        return package
    if shutil.which("npm") is None:
        raise RuntimeError("npm not found on PATH: install Debian's npm package to fetch reveal.js for the deck")
    cache.mkdir(parents=True, exist_ok=True)
    result = lifetime.run(["npm", "pack", f"reveal.js@{version}", "--pack-destination", str(cache), "--silent"],
                          capture_output=True, text=True)
    tarball = cache / f"reveal.js-{version}.tgz"
    if result.returncode != 0 or not tarball.is_file():
        raise RuntimeError(f"npm pack reveal.js@{version} failed: {result.stderr.strip()[-600:]}")
    tmp = cache / f".reveal.js-{version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp, filter="data")
    shutil.rmtree(package.parent, ignore_errors=True)
    os.replace(tmp, package.parent)
    return package


def install(package: Path, deck_dir: Path) -> Path:
    """Copy the files the deck needs from the npm ``package`` into ``deck_dir/reveal.js``."""
    missing = [f for f in FILES if not (package / f).is_file()]
    if missing:
        raise RuntimeError(f"reveal.js package at {package} lacks {', '.join(missing)}")
    target = deck_dir / LOCAL_DIR
    for name in FILES:
        dst = target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package / name, dst)
    return target


def references(html: Path) -> list[str]:
    """Every URL the page loads by itself: scripts, stylesheets, background videos and images."""
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    urls = [str(tag[attr]) for tag, attr in
            [(t, "src") for t in soup.find_all(["script", "video", "source", "img"]) if t.has_attr("src")]
            + [(t, "href") for t in soup.find_all("link") if t.has_attr("href")]]
    for attr in ("data-background-video", "data-background-image"):
        urls += [str(t[attr]) for t in soup.find_all(attrs={attr: True})]
    return urls


def offline_problems(html: Path) -> list[str]:
    """What would need the network or is missing next to ``html`` (empty when the deck works offline)."""
    problems = []
    for url in references(html):
        parsed = urlparse(url)
        if parsed.scheme or url.startswith("//"):
            if parsed.scheme != "data":
                problems.append(f"remote: {url}")
        elif not (html.parent / parsed.path).is_file():
            problems.append(f"missing: {url}")
    return problems
