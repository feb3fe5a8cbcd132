"""Loudness of the final video's audio: two-pass EBU R128 normalisation to -14 LUFS with ffmpeg.

``loudnorm_filter(path)`` measures ``path`` (first pass) and returns the ``-af`` filter of the second
pass, with the measured values and ``linear=true`` so speech keeps its dynamics when a plain gain can
reach the target. The filter also resamples to 48 kHz stereo, so pair it with ``AAC_ARGS`` for the
required AAC-LC stream. ``measure_loudness`` reads a file with ffmpeg's independent ebur128 meter.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import tempfile
from pathlib import Path

from production import lifetime

TARGET_I = -14.0  # LUFS, integrated (YouTube's reference level)
TARGET_TP = -1.5  # dBTP, leaves headroom for the AAC encoder to stay under -1 dBTP
TARGET_LRA = 11.0  # LU
SAMPLE_RATE = 48000
SILENCE_LUFS = -60.0  # quieter than this counts as silence: no gain, or hiss would be raised to speech level
PRE = f"aresample={SAMPLE_RATE},aformat=channel_layouts=stereo"
POST = PRE  # loudnorm works at 192 kHz internally and leaves its output's channel layout unset
AAC_ARGS: tuple[str, ...] = ("-c:a", "aac", "-profile:a", "aac_low", "-b:a", "384k",
                             "-ar", str(SAMPLE_RATE), "-ac", "2")

_TARGETS = f"I={TARGET_I:g}:TP={TARGET_TP:g}:LRA={TARGET_LRA:g}"


def _ffmpeg_stderr(path: Path, audio_filter: str) -> str:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path: audio or video file {path} not found")
    cmd = ["ffmpeg", "-hide_banner", "-nostats", "-nostdin", "-i", str(path), "-vn", "-sn", "-dn",
           "-af", audio_filter, "-f", "null", "-"]
    try:
        result = lifetime.run(cmd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise RuntimeError("ffmpeg is not installed: run `make setup`") from None
    if result.returncode != 0:
        tail = result.stderr.strip()[-500:]
        raise ValueError(f"path: ffmpeg could not read an audio stream from {path}: {tail}")
    return result.stderr


def _number(value: str) -> float:
    value = value.strip()
    return float(value) if value not in ("-inf", "inf", "nan") else float(value)


def loudnorm_measure(path: Path) -> dict[str, float]:
    """First pass: loudnorm's JSON measurement of ``path`` as it will be fed to the second pass."""
    stderr = _ffmpeg_stderr(path, f"{PRE},loudnorm={_TARGETS}:print_format=json")
    start = stderr.rfind("{")
    end = stderr.rfind("}")
    if start < 0 or end < start:
        raise ValueError(f"path: no loudnorm measurement in ffmpeg's output for {path}")
    data = json.loads(stderr[start:end + 1])
    return {key: _number(str(data[key])) for key in
            ("input_i", "input_tp", "input_lra", "input_thresh", "target_offset")}


def loudnorm_filter(path: Path) -> str:
    """The ``-af`` string of the second loudnorm pass for ``path`` (48 kHz stereo in and out)."""
    m = loudnorm_measure(path)
    if not math.isfinite(m["input_i"]) or m["input_i"] < SILENCE_LUFS:
        return f"{PRE},{POST}"
    measured = (f"measured_I={m['input_i']:.2f}:measured_TP={m['input_tp']:.2f}:measured_LRA={m['input_lra']:.2f}"
                f":measured_thresh={m['input_thresh']:.2f}:offset={m['target_offset']:.2f}")
    return f"{PRE},loudnorm={_TARGETS}:{measured}:linear=true:print_format=summary,{POST}"


_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.S)
_LRA = re.compile(r"Loudness range:\s*LRA:\s*(-?[\d.]+|-?inf|nan)\s*LU", re.S)
_TP = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.S)


def measure_loudness(path: Path) -> dict[str, float]:
    """Integrated loudness (LUFS), true peak (dBTP) and loudness range (LU) of ``path``'s audio (ebur128).

    Pure silence reads -70 LUFS (the meter's absolute gate) and a true peak of -inf.
    """
    stderr = _ffmpeg_stderr(path, "ebur128=peak=true")
    summary = stderr[stderr.rfind("Summary:"):]
    found = [pattern.search(summary) for pattern in (_I, _TP, _LRA)]
    if not all(found):
        raise ValueError(f"path: no ebur128 summary in ffmpeg's output for {path}")
    integrated, peak, lra = (_number(match.group(1)) for match in found)
    return {"integrated_lufs": integrated, "true_peak_dbtp": peak, "lra_lu": lra}


def normalise_audio(src: Path, dst: Path) -> None:
    """Write ``src``'s audio as AAC-LC, 48 kHz stereo at -14 LUFS to ``dst`` (e.g. an .m4a), atomically."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=dst.suffix or ".m4a", dir=dst.parent)
    os.close(fd)
    try:
        cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(src), "-vn",
               "-af", loudnorm_filter(src), *AAC_ARGS, tmp]
        lifetime.run(cmd, check=True, capture_output=True)
        os.replace(tmp, dst)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"ffmpeg failed to normalise {src}: {exc.stderr.decode(errors='replace')[-500:]}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
