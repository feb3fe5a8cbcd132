"""Narration scripts, one Markdown file per chapter: ``## beat_key`` headings, then the spoken text."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
_HEADING = re.compile(r"^##\s+([a-z0-9_]+)\s*$")


def script_path(chapter: str, directory: Path | None = None) -> Path:
    return (directory or HERE) / f"{chapter}.md"


def load_script(chapter: str, directory: Path | None = None) -> dict[str, str]:
    """Beat key -> narration text, in file order. Lines starting with '>' are author notes, not spoken."""
    path = script_path(chapter, directory)
    if not path.is_file():
        raise ValueError(f"narration script for chapter {chapter!r} not found at {path}")
    beats: dict[str, list[str]] = {}
    current: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        match = _HEADING.match(line)
        if match:
            current = match.group(1)
            if current in beats:
                raise ValueError(f"{path.name} line {number}: beat {current!r} appears twice")
            beats[current] = []
        elif line.startswith("#") or line.startswith(">") or not line:
            continue
        elif current is None:
            raise ValueError(f"{path.name} line {number}: text before the first '## beat' heading")
        else:
            beats[current].append(line)
    texts = {key: " ".join(lines) for key, lines in beats.items()}
    empty = [k for k, t in texts.items() if not t]
    if empty:
        raise ValueError(f"{path.name}: beats without narration text: {', '.join(empty)}")
    return texts


# Calibrated on the espeak voice (en-us+m3, 160 wpm) over every beat of the scripts: it speaks about
# 2.95 words or 15.9 characters a second. Characters predict each beat's length better than words
# (mean error 3.6 % against 4.9 %), so the estimate counts characters.
CHARS_PER_SECOND = 15.9
BEAT_OVERHEAD = 0.16  # seconds of silence espeak adds around a beat


def estimated_duration(text: str) -> float:
    """Speaking time of ``text`` by the default voice (used for --no-voice and silent previews)."""
    return BEAT_OVERHEAD + len(" ".join(text.split())) / CHARS_PER_SECOND
