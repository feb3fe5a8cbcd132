"""Loading and validating video.toml, the project's configuration."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "video.toml"
#: Output folder; MLE2MAP_MEDIA (a folder inside the repository) moves it, e.g. for the benchmark's scratch runs.
MEDIA = Path(os.environ["MLE2MAP_MEDIA"]).resolve() if os.environ.get("MLE2MAP_MEDIA") else ROOT / "media"
FINAL = MEDIA / "final"

PRIVACY = ("private", "unlisted", "public")
QUALITIES = ("preview", "hd", "4k")
THEMES = ("dark", "light")


@dataclass(frozen=True)
class VideoConfig:
    title: str
    slug: str
    summary: str
    credits: str
    tags: tuple[str, ...]
    language: str
    category_id: str
    privacy: str
    made_for_kids: bool
    quality: str
    voice: str
    theme: str


def _get(table: dict, key: str, kind: type, section: str):
    if key not in table:
        raise ValueError(f"video.toml: [{section}] is missing {key!r}")
    value = table[key]
    if not isinstance(value, kind):
        raise ValueError(f"video.toml: [{section}] {key} must be a {kind.__name__}, got {value!r}")
    return value


def _choice(value: str, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"video.toml: {where} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def load_config(path: Path = CONFIG_PATH) -> VideoConfig:
    """Read and validate the configuration; errors name the section, key and allowed values."""
    if not path.is_file():
        raise ValueError(f"configuration file {path} not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"video.toml is not valid TOML: {exc}") from None
    video, youtube, render = (data.get(s, {}) for s in ("video", "youtube", "render"))
    tags = _get(video, "tags", list, "video")
    if not all(isinstance(t, str) and t.strip() for t in tags):
        raise ValueError("video.toml: [video] tags must be non-empty strings")
    return VideoConfig(
        title=_get(video, "title", str, "video").strip(),
        slug=_get(video, "slug", str, "video").strip(),
        summary=" ".join(_get(video, "summary", str, "video").split()),
        credits=_get(video, "credits", str, "video").strip(),
        tags=tuple(t.strip() for t in tags),
        language=_get(video, "language", str, "video"),
        category_id=str(_get(youtube, "category_id", str, "youtube")),
        privacy=_choice(_get(youtube, "privacy", str, "youtube"), PRIVACY, "[youtube] privacy"),
        made_for_kids=_get(youtube, "made_for_kids", bool, "youtube"),
        quality=_choice(_get(render, "quality", str, "render"), QUALITIES, "[render] quality"),
        voice=_get(render, "voice", str, "render"),
        theme=_choice(_get(render, "theme", str, "render"), THEMES, "[render] theme"),
    )
