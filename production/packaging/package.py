"""One upload package per content: ``media/final/<quality>-<theme>[-<story-slug>][-silent][-chNN-NN...]/`` with a
package.json.

The folder name says what the package holds, so a preview, a chapter subset or another story (any but the shipped
one) never replaces the complete video. package.json records the quality, frame size and rate, theme, voice,
story and chapters, whether it is the complete video, and each packaged file's size and sha256 (and the key of
the inputs it was built from), so a truncated, edited or hand-replaced file is found before it is reused or
uploaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image

from production.packaging.captions import write_atomic
from production.probe import probe, video_stream

FORMAT = 1
MANIFEST = "package.json"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
#: How far a packaged video's duration may drift from the recorded one (one frame at 10 fps).
DURATION_TOLERANCE = 0.1


def storyboard_numbers() -> list[int]:
    """Chapter numbers of the complete video, in order (scenes/chapters.py)."""
    from scenes.chapters import CHAPTERS

    return [c.number for c in CHAPTERS]


def folder_name(quality: str, theme: str, voice: str, chapters: Sequence[int], storyboard: Sequence[int],
                story: str = "") -> str:
    """``hd-dark`` for the complete narrated video of the shipped story; ``-<story>`` for another story (its slug);
    ``-silent`` without narration; ``-ch05-06-07`` for a subset."""
    name = f"{quality}-{theme}" + (f"-{story}" if story else "") + ("-silent" if voice == "none" else "")
    if list(chapters) != list(storyboard):
        name += "-ch" + "-".join(f"{n:02d}" for n in chapters)
    return name


@dataclass
class FileEntry:
    size: int
    sha256: str
    key: str = ""


@dataclass
class PackageManifest:
    """What one package folder holds; read and written as its package.json."""

    quality: str
    width: int
    height: int
    fps: float
    theme: str
    voice: str
    chapters: list[int]
    storyboard: list[int]
    complete: bool
    duration: float
    files: dict[str, FileEntry] = field(default_factory=dict)
    format: int = FORMAT
    #: The story file told (relative to the project when inside it) and its name ([line] name); '' in packages
    #: written before stories were recorded.
    story: str = ""
    story_name: str = ""

    @classmethod
    def from_file(cls, path: Path) -> PackageManifest:
        """Parse ``path``; ValueError naming the file when it is not a package manifest of this format."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {name: FileEntry(**entry) for name, entry in data.pop("files").items()}
            manifest = cls(**data, files=files)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a package manifest ({type(exc).__name__}: {exc})") from None
        if manifest.format != FORMAT:
            raise ValueError(f"{path} has format {manifest.format}, this version reads {FORMAT}")
        return manifest

    def to_file(self, path: Path) -> None:
        """Write atomically: a temporary name in the same folder, then a rename."""
        write_atomic(path, json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    def contents(self, theme: bool = False) -> str:
        """``3 of 10 chapters at preview (854x480)`` or ``the complete video at hd (1920x1080)``."""
        what = "the complete video" if self.complete else f"{len(self.chapters)} of {len(self.storyboard)} chapters"
        text = f"{what} at {self.quality} ({self.width}x{self.height})"
        if theme:
            text += f", {self.theme} theme"
        return text + (", silent" if self.voice == "none" else "")


def load(directory: Path) -> PackageManifest | None:
    """The manifest of ``directory``, or None when it has none or an unreadable one."""
    try:
        return PackageManifest.from_file(directory / MANIFEST)
    except ValueError:
        return None


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def entry_for(path: Path, key: str = "") -> FileEntry:
    return FileEntry(path.stat().st_size, sha256_file(path), key)


def decode_problem(path: Path, manifest: PackageManifest | None = None) -> str | None:
    """Why ``path`` does not decode as what its suffix says (for an MP4: also not as recorded), or None."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - len(PNG_END)))
            if handle.read() != PNG_END:
                return "does not end with the PNG IEND chunk (truncated)"
        try:
            with Image.open(path) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many types for broken files
            return f"does not decode as PNG ({exc})"
        return None
    if suffix == ".mp4":
        try:
            info = probe(path)
            stream = video_stream(info)
            duration = float(info["format"]["duration"])
        except (RuntimeError, KeyError, ValueError) as exc:
            return f"ffprobe cannot read it ({str(exc).splitlines()[0]})"
        if manifest is not None:
            size = (int(stream.get("width", 0)), int(stream.get("height", 0)))
            if size != (manifest.width, manifest.height):
                return f"is {size[0]}x{size[1]}, package.json records {manifest.width}x{manifest.height}"
            if abs(duration - manifest.duration) > DURATION_TOLERANCE:
                return f"lasts {duration:.2f} s, package.json records {manifest.duration:.2f} s"
        return None
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    return None


def file_problem(path: Path, entry: FileEntry, manifest: PackageManifest | None = None) -> str | None:
    """Why ``path`` is not the file package.json records (missing, size, sha256, does not decode), or None."""
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if size != entry.size:
        return f"is {size} bytes, package.json records {entry.size} (truncated or replaced)"
    if sha256_file(path) != entry.sha256:
        return "sha256 differs from package.json (edited or replaced)"
    return decode_problem(path, manifest)
