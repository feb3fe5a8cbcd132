"""Local checks of an upload package against YouTube's documented limits, run before any request is sent."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import srt
import webvtt
from PIL import Image, UnidentifiedImageError
from webvtt.errors import MalformedCaptionError, MalformedFileError

from production import lifetime

TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500
VIDEO_MAX_BYTES = 256 * 1024**3  # the discovery document's maxSize for videos.insert
VIDEO_MAX_SECONDS = 12 * 3600
THUMBNAIL_MAX_BYTES = 2 * 10**6  # "2 MB", read as decimal megabytes to stay on the safe side
THUMBNAIL_MIN_WIDTH = 640
THUMBNAIL_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
CAPTION_MAX_BYTES = 100 * 10**6
VIDEO_CODECS = ("h264", "hevc", "vp9", "av1", "mpeg4", "prores")
CHAPTER_MIN_COUNT = 3
CHAPTER_MIN_SECONDS = 10
FORBIDDEN_CHARS = "<>"
CHAPTER_LINE = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2})\s+(\S.*?)\s*$")


class PackageError(ValueError):
    """The package or its metadata breaks one or more limits; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("the upload package is not ready:\n" + "\n".join(f"  - {p}" for p in self.problems))


def tags_length(tags: tuple[str, ...] | list[str]) -> int:
    """Length YouTube charges for a tag list: commas between tags count, a tag with a space counts its quotes."""
    if not tags:
        return 0
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + len(tags) - 1


def title_problems(title: str) -> list[str]:
    """The title is 1 to 100 characters without '<' or '>'."""
    problems = []
    if not title.strip():
        problems.append("title is empty")
    if len(title) > TITLE_MAX_CHARS:
        problems.append(f"title has {len(title)} characters, the limit is {TITLE_MAX_CHARS}")
    return problems + forbidden_problems("title", title)


def forbidden_problems(name: str, text: str) -> list[str]:
    """YouTube rejects '<' and '>' in the title and the description."""
    bad = sorted({c for c in text if c in FORBIDDEN_CHARS})
    return [f"{name} contains {' and '.join(repr(c) for c in bad)}, which YouTube rejects"] if bad else []


def description_size_problems(description: str) -> list[str]:
    size = len(description.encode("utf-8"))
    if size > DESCRIPTION_MAX_BYTES:
        return [f"description is {size} bytes in UTF-8, the limit is {DESCRIPTION_MAX_BYTES}"]
    return []


def tags_problems(tags: tuple[str, ...] | list[str]) -> list[str]:
    """At most 500 characters in all (commas and quotes counted), no comma or angle bracket inside a tag."""
    problems = []
    total = tags_length(tags)
    if total > TAGS_MAX_CHARS:
        problems.append(f"tags count {total} characters (commas and quotes included), the limit is {TAGS_MAX_CHARS}")
    for tag in tags:
        if any(c in FORBIDDEN_CHARS or c == "," for c in tag):
            problems.append(f"tag {tag!r} contains a comma or an angle bracket")
    return problems


def metadata_problems(title: str, description: str, tags: tuple[str, ...] | list[str]) -> list[str]:
    """Title, description and tags measured the way the YouTube Data API measures them."""
    return (title_problems(title) + forbidden_problems("description", description)
            + description_size_problems(description) + tags_problems(tags))


@dataclass(frozen=True)
class VideoInfo:
    format_names: tuple[str, ...]
    video_codec: str
    pix_fmt: str
    width: int
    height: int
    duration: float
    has_audio: bool


def probe_video(path: Path) -> VideoInfo:
    """Container and stream facts from ffprobe; raises ValueError when the file is not a readable video."""
    if shutil.which("ffprobe") is None:
        raise ValueError("ffprobe was not found on PATH; install ffmpeg (make sysdeps) to check the video")
    cmd = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    run = lifetime.run(cmd, capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise ValueError(f"ffprobe cannot read {path.name}: {run.stderr.strip() or 'unknown error'}")
    data = json.loads(run.stdout)
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise ValueError(f"{path.name} has no video stream")
    duration = float(data.get("format", {}).get("duration") or video.get("duration") or 0.0)
    return VideoInfo(
        format_names=tuple(data.get("format", {}).get("format_name", "").split(",")),
        video_codec=video.get("codec_name", ""),
        pix_fmt=video.get("pix_fmt", ""),
        width=int(video.get("width", 0)),
        height=int(video.get("height", 0)),
        duration=duration,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def video_problems(path: Path) -> tuple[list[str], list[str], VideoInfo | None]:
    """(problems, warnings, info) for the video file: container, codec, size and duration."""
    if not path.is_file():
        return [f"video {path} not found"], [], None
    problems, warnings = [], []
    size = path.stat().st_size
    if size == 0:
        return [f"video {path.name} is empty"], [], None
    if size >= VIDEO_MAX_BYTES:
        problems.append(f"video is {size} bytes, YouTube accepts less than {VIDEO_MAX_BYTES}")
    try:
        info = probe_video(path)
    except ValueError as exc:
        return problems + [str(exc)], warnings, None
    if "mp4" not in info.format_names:
        problems.append(f"video container is {','.join(info.format_names)}, expected MP4")
    if info.video_codec not in VIDEO_CODECS:
        problems.append(f"video codec {info.video_codec!r} is not one YouTube handles well ({', '.join(VIDEO_CODECS)})")
    if info.duration <= 0:
        problems.append("video duration is zero or unknown")
    if info.duration > VIDEO_MAX_SECONDS:
        problems.append(f"video lasts {info.duration:.0f} s, the limit is {VIDEO_MAX_SECONDS} s")
    if info.pix_fmt not in ("yuv420p", "yuvj420p"):
        warnings.append(f"pixel format {info.pix_fmt!r}; YouTube recommends yuv420p")
    if not info.has_audio:
        warnings.append("the video has no audio stream")
    return problems, warnings, info


def thumbnail_problems(path: Path) -> tuple[list[str], str]:
    """(problems, mimetype) for the thumbnail: PNG or JPEG, at most 2 MB, at least 640 px wide."""
    if not path.is_file():
        return [f"thumbnail {path} not found"], ""
    problems = []
    size = path.stat().st_size
    if size > THUMBNAIL_MAX_BYTES:
        problems.append(f"thumbnail is {size} bytes, the limit is {THUMBNAIL_MAX_BYTES}")
    try:
        with Image.open(path) as image:
            image_format, width = image.format, image.size[0]
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        return problems + [f"thumbnail {path.name} is not a readable image: {exc}"], ""
    if image_format not in THUMBNAIL_FORMATS:
        problems.append(f"thumbnail is {image_format}, YouTube accepts PNG or JPEG")
    if width < THUMBNAIL_MIN_WIDTH:
        problems.append(f"thumbnail is {width} px wide, at least {THUMBNAIL_MIN_WIDTH} px are needed")
    return problems, THUMBNAIL_FORMATS.get(image_format or "", "")


def caption_problems(srt_path: Path, vtt_path: Path, duration: float | None) -> list[str]:
    """Both caption files parse, hold at least one cue, and end within the video."""
    problems = []
    for path in (srt_path, vtt_path):
        if not path.is_file():
            problems.append(f"captions {path} not found")
        elif path.stat().st_size > CAPTION_MAX_BYTES:
            problems.append(f"captions {path.name} exceed {CAPTION_MAX_BYTES} bytes")
    if problems:
        return problems
    try:
        cues = list(srt.parse(srt_path.read_text(encoding="utf-8-sig"), ignore_errors=False))
    except (srt.SRTParseError, UnicodeDecodeError, ValueError) as exc:
        return [f"{srt_path.name} does not parse as SRT: {exc}"]
    if not cues:
        return [f"{srt_path.name} holds no cues"]
    ends = [c.end.total_seconds() for c in cues]
    if any(c.end <= c.start for c in cues):
        problems.append(f"{srt_path.name} has a cue that ends before it starts")
    if duration is not None and max(ends) > duration + 1.0:
        problems.append(f"{srt_path.name} runs to {max(ends):.1f} s, past the video's {duration:.1f} s")
    try:
        vtt_cues = webvtt.read(str(vtt_path)).captions
    except (MalformedFileError, MalformedCaptionError, UnicodeDecodeError, ValueError) as exc:
        return problems + [f"{vtt_path.name} does not parse as WebVTT: {exc}"]
    if len(vtt_cues) != len(cues):
        problems.append(f"{vtt_path.name} has {len(vtt_cues)} cues but {srt_path.name} has {len(cues)}")
    return problems


@dataclass(frozen=True)
class ChapterMark:
    seconds: int
    title: str
    line: str


def _seconds(stamp: str) -> int:
    parts = [int(p) for p in stamp.split(":")]
    total = 0
    for p in parts:
        total = total * 60 + p
    return total


def parse_chapters(text: str) -> list[ChapterMark]:
    """Chapter lines `M:SS Title` or `H:MM:SS Title`; any other non-blank line is an error."""
    marks = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = CHAPTER_LINE.match(raw)
        if match is None:
            raise ValueError(f"chapters.txt line {number} is not 'M:SS Title': {raw!r}")
        marks.append(ChapterMark(_seconds(match.group(1)), match.group(2), raw.strip()))
    return marks


def chapter_problems(marks: list[ChapterMark], duration: float | None) -> list[str]:
    """YouTube shows chapters only if the first is at 0:00, there are 3 or more, each at least 10 s long."""
    problems = []
    if len(marks) < CHAPTER_MIN_COUNT:
        problems.append(f"chapters.txt has {len(marks)} chapters, YouTube needs at least {CHAPTER_MIN_COUNT}")
    if marks and marks[0].seconds != 0:
        problems.append("the first chapter must start at 0:00")
    ends = [m.seconds for m in marks[1:]] + ([duration] if duration is not None else [])
    for mark, end in zip(marks, ends, strict=False):
        if end - mark.seconds < CHAPTER_MIN_SECONDS:
            problems.append(f"chapter {mark.line!r} lasts {end - mark.seconds:.0f} s, at least 10 s are needed")
    for mark in marks:
        if any(c in FORBIDDEN_CHARS for c in mark.title):
            problems.append(f"chapter title {mark.title!r} contains an angle bracket")
    return problems


def description_with_chapters(description: str, marks: list[ChapterMark]) -> str:
    """The description with the chapter list in it: kept if all lines are there, appended if none are."""
    lines = {line.strip() for line in description.splitlines()}
    present = [m.line in lines for m in marks]
    if all(present):
        return description
    stale = [line for line in lines if CHAPTER_LINE.match(line)]
    if any(present) or stale:
        raise PackageError(["description.txt lists chapters that differ from chapters.txt; regenerate the package"])
    return description.rstrip() + "\n\n" + "\n".join(m.line for m in marks) + "\n"
