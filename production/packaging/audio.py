"""The final video's audio: one loudness measurement, a constant gain to -14 LUFS, a look-ahead peak limiter, and
the AAC-LC stream it is encoded to.

``loudness_filter(path)`` measures ``path`` with ffmpeg's EBU R128 meter (``measure_loudness``: integrated
loudness, true peak, range) and returns the ``-af`` chain that brings it to ``TARGET_I``: a plain gain, so the
speech keeps its dynamics, then ffmpeg's ``alimiter`` (5 ms look-ahead, delay compensated) holding the sample peaks
under ``LIMIT_DBFS`` where the gain would push them over (Piper's speech peaks sit about 20 dB above its loudness).
The limiter lowers the loudness a little where it works, so the gain is raised by the shortfall and measured
again (up to ``REFINE`` times). This replaced loudnorm's two passes, whose 192 kHz true-peak resampling made them
most of the packaging time.

The narration is one voice, so the track is mono, AAC-LC 48 kHz at YouTube's recommended 128 kb/s for mono
(``AAC_ARGS``); a stereo track of two identical channels carries nothing more and took 16x the encoder's time.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import tempfile
from pathlib import Path

from production import lifetime

TARGET_I = -14.0  # LUFS, integrated (YouTube's reference level)
TARGET_TP = -1.0  # dBTP, the most the encoded track may reach
LIMIT_DBFS = -2.0  # the limiter's sample-peak ceiling: inter-sample peaks and AAC add well under 1 dB to it
SAMPLE_RATE = 48000
CHANNELS = "mono"
REFINE = 4  # measurements after the limiter at most, each a few seconds for the whole video
SILENCE_LUFS = -60.0  # quieter than this counts as silence: no gain, or hiss would be raised to speech level
PRE = f"aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts={CHANNELS}"
#: AAC-LC, 48 kHz mono at 128 kb/s. The ``fast`` coder: transparent at this rate for speech from a 22 kHz voice
#: model, and ffmpeg's default (``twoloop``) takes about 4x its time.
AAC_ARGS: tuple[str, ...] = ("-c:a", "aac", "-aac_coder", "fast", "-profile:a", "aac_low", "-b:a", "128k",
                             "-ar", str(SAMPLE_RATE), "-ac", "1")

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


_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.S)
_LRA = re.compile(r"Loudness range:\s*LRA:\s*(-?[\d.]+|-?inf|nan)\s*LU", re.S)
_TP = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.S)


def measure_loudness(path: Path, through: str | None = None) -> dict[str, float]:
    """Integrated loudness (LUFS), true peak (dBTP) and loudness range (LU) of ``path``'s audio (ebur128), after the
    filter chain ``through`` when given.

    Pure silence reads -70 LUFS (the meter's absolute gate) and a true peak of -inf.
    """
    stderr = _ffmpeg_stderr(path, f"{through},ebur128=peak=true" if through else "ebur128=peak=true")
    summary = stderr[stderr.rfind("Summary:"):]
    found = [pattern.search(summary) for pattern in (_I, _TP, _LRA)]
    if not all(found):
        raise ValueError(f"path: no ebur128 summary in ffmpeg's output for {path}")
    integrated, peak, lra = (_number(match.group(1)) for match in found)
    return {"integrated_lufs": integrated, "true_peak_dbtp": peak, "lra_lu": lra}


def loudness_filter(path: Path) -> str:
    """The ``-af`` chain that brings ``path``'s audio to TARGET_I (48 kHz mono out); silence gets no gain."""
    m = measure_loudness(path)
    if not math.isfinite(m["integrated_lufs"]) or m["integrated_lufs"] < SILENCE_LUFS:
        return PRE
    gain = TARGET_I - m["integrated_lufs"]
    tried: list[tuple[float, float]] = []
    for _ in range(REFINE):  # the limiter takes loudness off the peaks it holds: raise the gain by the shortfall
        tried.append((gain, measure_loudness(path, _chain(gain))["integrated_lufs"]))
        shortfall = TARGET_I - tried[-1][1]
        if abs(shortfall) < 0.15:
            break
        slope = 1.0  # LU out per dB of gain: 1 without limiting, less the harder the limiter works
        if len(tried) > 1 and tried[-1][0] != tried[-2][0]:
            slope = min(1.0, max(0.2, (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])))
        gain += shortfall / slope
    return _chain(gain)


def _chain(gain_db: float) -> str:
    limit = 10 ** (LIMIT_DBFS / 20)
    return f"{PRE},volume={gain_db:.2f}dB,alimiter=limit={limit:.4f}:attack=5:release=50:level=false:latency=true"


def normalise_audio(src: Path, dst: Path) -> None:
    """Write ``src``'s audio as the video's track (AAC-LC, 48 kHz mono, -14 LUFS) to ``dst`` (an .m4a), atomically."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=dst.suffix or ".m4a", dir=dst.parent)
    os.close(fd)
    try:
        cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(src), "-vn",
               "-af", loudness_filter(src), *AAC_ARGS, tmp]
        lifetime.run(cmd, check=True, capture_output=True)
        os.replace(tmp, dst)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"ffmpeg failed to normalise {src}: {exc.stderr.decode(errors='replace')[-500:]}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
