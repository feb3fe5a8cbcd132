"""ffprobe wrappers: stream facts of a media file, exact frame counts, and the MP4 top-level atom order."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

from production import lifetime

#: Programs a render starts, and the Debian package that brings each.
TOOLS = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "latex": "texlive-latex-base", "dvisvgm": "dvisvgm"}


def require_tools() -> str:
    """The programs of TOOLS, named; RuntimeError naming each missing one and its Debian package."""
    missing = [f"{tool} (Debian package {package})" for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"not found on PATH: {', '.join(missing)}; run `make setup`")
    return ", ".join(TOOLS)


def probe(path: Path, count_frames: bool = False) -> dict:
    """ffprobe's JSON (format and streams) for ``path``; with ``count_frames`` also the packet counts."""
    cmd = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    if count_frames:
        cmd.append("-count_packets")
    result = lifetime.run([*cmd, str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"ffprobe cannot read {path}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def video_stream(info: dict) -> dict:
    for stream in info.get("streams", []):
        if stream.get("codec_type") == "video":
            return stream
    raise RuntimeError("no video stream")


def audio_streams(info: dict) -> list[dict]:
    return [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]


def frame_count_and_rate(path: Path) -> tuple[int, Fraction]:
    """Exact number of video frames (packets) and the stream's frame rate."""
    stream = video_stream(probe(path, count_frames=True))
    return int(stream["nb_read_packets"]), Fraction(stream["r_frame_rate"])


def keyframe_times(path: Path) -> list[float]:
    """Presentation times of the key frames of the first video stream."""
    result = lifetime.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "packet=pts_time,flags", "-of", "csv=p=0", str(path)],
                          capture_output=True, text=True, check=True)
    times = []
    for line in result.stdout.splitlines():
        pts, _, flags = line.partition(",")
        if "K" in flags and pts not in ("", "N/A"):
            times.append(float(pts))
    return sorted(times)


def top_level_atoms(path: Path) -> list[str]:
    """Names of the top-level MP4 boxes in file order (e.g. ftyp, moov, mdat for a faststart file)."""
    names = []
    with path.open("rb") as f:
        size_total = path.stat().st_size
        offset = 0
        while offset + 8 <= size_total:
            f.seek(offset)
            header = f.read(8)
            size = int.from_bytes(header[:4], "big")
            name = header[4:8].decode("latin-1")
            if size == 1:
                size = int.from_bytes(f.read(8), "big")
            elif size == 0:
                size = size_total - offset
            if size < 8:
                raise ValueError(f"{path}: corrupt MP4 box {name!r} at offset {offset}")
            names.append(name)
            offset += size
    return names
