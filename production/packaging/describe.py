"""description.txt for the YouTube upload: title, summary, chapters, credits and a few hashtags."""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_BYTES = 5000
MAX_TITLE = 100
MAX_HASHTAGS = 3


def hashtag(tag: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", tag)
    return "#" + "".join(w[:1].upper() + w[1:] for w in words) if words else ""


def description(title: str, summary: str, chapter_lines: Sequence[str], credits: str,
                tags: Sequence[str] = ()) -> str:
    """The description text; ValueError if YouTube would refuse it (over 5000 bytes, or '<' / '>')."""
    if not title.strip() or len(title.strip()) > MAX_TITLE:
        raise ValueError(f"title must have 1 to {MAX_TITLE} characters (YouTube's limit), got {len(title.strip())}")
    blocks = [title.strip(), summary.strip()]
    if chapter_lines:
        blocks.append("Chapters\n" + "\n".join(chapter_lines))
    blocks.append(credits.strip())
    tags_line = " ".join(t for t in (hashtag(t) for t in tags[:MAX_HASHTAGS]) if t)
    if tags_line:
        blocks.append(tags_line)
    text = "\n\n".join(b for b in blocks if b) + "\n"
    if "<" in text or ">" in text:
        raise ValueError("description must not contain '<' or '>' (YouTube rejects them); check title, summary, "
                         "credits and chapter titles in video.toml and scenes/chapters.py")
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ValueError(f"description is {size} bytes; YouTube allows at most {MAX_BYTES}: shorten the summary "
                         "or credits in video.toml")
    return text
