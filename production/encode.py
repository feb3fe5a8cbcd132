"""The final encode: chapter videos and one soundtrack into an H.264/AAC MP4 that matches YouTube's
recommended upload settings (High profile, yuv420p, BT.709 tags, closed GOP of half the frame rate,
two B-frames, bitrate for the resolution and frame rate, AAC-LC 48 kHz stereo, moov atom first)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from production import lifetime
from production.quality import Quality

SAMPLE_RATE = 48000
AUDIO_BITRATE = "384k"


def _run(cmd: list[str], what: str) -> None:
    result = lifetime.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"ffmpeg failed while {what}:\n{tail}")


def build_soundtrack(segments: list[tuple[Path | None, float]], out: Path) -> None:
    """One 48 kHz stereo WAV: each chapter's sound (or silence), padded or cut to the chapter's exact length.

    Segment boundaries are rounded on the running total, so the soundtrack never drifts from the video.
    """
    if not segments:
        raise ValueError("segments must list at least one chapter")
    cmd = ["ffmpeg", "-y", "-v", "error"]
    filters, labels, index = [], [], 0
    elapsed, start_sample = 0.0, 0
    for i, (wav, seconds) in enumerate(segments):
        if seconds <= 0:
            raise ValueError(f"segment {i} duration must be > 0 s, got {seconds}")
        elapsed += seconds
        end_sample = round(elapsed * SAMPLE_RATE)
        samples = end_sample - start_sample
        start_sample = end_sample
        if wav is None:
            cmd += ["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]
        else:
            cmd += ["-i", str(wav)]
        filters.append(f"[{index}:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                       f"apad,atrim=end_sample={samples},asetpts=N/SR/TB[a{i}]")
        labels.append(f"[a{i}]")
        index += 1
    graph = ";".join(filters) + f";{''.join(labels)}concat=n={len(labels)}:v=0:a=1[out]"
    cmd += ["-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_f32le", "-ar", str(SAMPLE_RATE), str(out)]
    _run(cmd, f"building the soundtrack {out.name}")


def video_args(quality: Quality) -> list[str]:
    """x264 settings for YouTube: High profile, closed GOP of fps/2, no scene-cut keyframes, BT.709 tags.

    Constant bitrate at YouTube's recommended upload rate (HRD CBR with filler): flat graphics would
    otherwise encode far below it, and YouTube's own re-encode is best fed at the recommended rate.
    """
    target, _ = quality.bitrate
    return ["-c:v", "libx264", "-preset", quality.x264_preset, "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-b:v", str(target), "-minrate", str(target), "-maxrate", str(target), "-bufsize", str(2 * target),
            "-g", str(quality.gop), "-keyint_min", str(quality.gop), "-sc_threshold", "0", "-bf", "2",
            "-flags", "+cgop", "-x264-params", "open-gop=0:nal-hrd=cbr:filler=1",
            "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv",
            "-r", str(quality.fps)]


def audio_args() -> list[str]:
    return ["-c:a", "aac", "-profile:a", "aac_low", "-b:a", AUDIO_BITRATE, "-ar", str(SAMPLE_RATE), "-ac", "2"]


def encode_youtube(videos: list[Path], soundtrack: Path, quality: Quality, out: Path, *,
                   audio_filter: str | None = None, metadata: dict[str, str] | None = None,
                   total_seconds: float | None = None, on_progress: Callable[[float], None] | None = None) -> None:
    """Concatenate ``videos`` (Manim's BT.601 output), convert to BT.709, add ``soundtrack``, write ``out``
    (under a temporary name first: a failed or stopped encode leaves nothing there)."""
    if not videos:
        raise ValueError("videos must list at least one chapter video")
    cmd = ["ffmpeg", "-y", "-v", "error", "-nostats", "-progress", "pipe:1"]
    for video in videos:
        cmd += ["-i", str(video)]
    cmd += ["-i", str(soundtrack)]
    # Manim writes BT.601-matrix YUV of sRGB (BT.709 primaries) frames, untagged: change only the matrix.
    convert = (f"scale={quality.width}:{quality.height}:flags=lanczos,colorspace=space=bt709:ispace=bt470bg:"
               "primaries=bt709:iprimaries=bt709:trc=bt709:itrc=bt709:range=tv:irange=tv:format=yuv420p")
    parts = [f"[{i}:v]setsar=1,setpts=PTS-STARTPTS[v{i}]" for i in range(len(videos))]
    joined = "".join(f"[v{i}]" for i in range(len(videos)))
    graph = ";".join(parts) + (f";{joined}concat=n={len(videos)}:v=1:a=0,{convert},"
                               "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv[v]")
    audio_chain = ",".join(f for f in (audio_filter, f"aresample={SAMPLE_RATE}",
                                       "aformat=sample_fmts=fltp:channel_layouts=stereo") if f)
    graph += f";[{len(videos)}:a]{audio_chain}[a]"
    cmd += ["-filter_complex", graph, "-map", "[v]", "-map", "[a]", *video_args(quality), *audio_args()]
    for key, value in (metadata or {}).items():
        cmd += ["-metadata", f"{key}={value}"]
    part = out.with_name(f".{out.name}.part")
    cmd += ["-movflags", "+faststart", "-f", "mp4", str(part)]
    try:
        _stream_progress(cmd, total_seconds, on_progress)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)


def _stream_progress(cmd: list[str], total: float | None, on_progress: Callable[[float], None] | None) -> None:
    with lifetime.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        last = 0.0
        assert proc.stdout is not None
        for line in proc.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.isdigit() and on_progress and total:
                now = time.monotonic()
                if now - last > 1.0:
                    last = now
                    on_progress(min(1.0, int(value) / 1e6 / total))
        stderr = proc.stderr.read() if proc.stderr else ""
        proc.wait()
    if proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"ffmpeg failed while encoding the final video:\n{tail}")
