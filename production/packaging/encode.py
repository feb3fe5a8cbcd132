"""The final step: chapter videos joined by stream copy with one soundtrack into the MP4 for YouTube.

The chapter renders already hold the delivery video (scenes/fast_render.py, settings in production/quality.py:
H.264 High, yuv420p, BT.709, closed GOPs of fps/2, CRF with a VBV cap), so the video packets are copied
through ffmpeg's concat demuxer; only the audio is encoded (AAC-LC 48 kHz mono) and everything muxed with the
moov atom first. A chapter that does not match the delivery settings (another frame size, Manim's own BT.601
partial movies, a lossless bench render, other x264 headers) cannot be joined by copy: then, and only then,
the whole video is re-encoded with the same delivery settings, and ``encode_youtube`` says why.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from production import lifetime
from production.packaging.audio import AAC_ARGS, CHANNELS, SAMPLE_RATE
from production.probe import probe, video_stream
from production.quality import PIX_FMT, Quality


def _run(cmd: list[str], what: str) -> None:
    result = lifetime.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"ffmpeg failed while {what}:\n{tail}")


def build_soundtrack(segments: list[tuple[Path | None, float]], out: Path) -> None:
    """One 48 kHz mono WAV: each chapter's sound (or silence), padded or cut to the chapter's exact length.

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
            cmd += ["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl={CHANNELS}"]
        else:
            cmd += ["-i", str(wav)]
        filters.append(f"[{index}:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts={CHANNELS},"
                       f"apad,atrim=end_sample={samples},asetpts=N/SR/TB[a{i}]")
        labels.append(f"[a{i}]")
        index += 1
    graph = ";".join(filters) + f";{''.join(labels)}concat=n={len(labels)}:v=0:a=1[out]"
    cmd += ["-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_f32le", "-ar", str(SAMPLE_RATE), str(out)]
    _run(cmd, f"building the soundtrack {out.name}")


@dataclass(frozen=True)
class VideoFacts:
    """What decides whether a chapter's video can be stream-copied into the delivery file."""

    frames: int
    rate: Fraction
    extradata: bytes
    problems: tuple[str, ...]
    bt709: bool  # the YUV matrix is tagged BT.709 (else it is Manim's untagged BT.601)


def video_facts(video: Path, quality: Quality) -> VideoFacts:
    """Frame count, rate, codec headers (SPS/PPS) of ``video`` and how it departs from the delivery settings."""
    v = video_stream(probe(video))
    tags = (v.get("color_primaries"), v.get("color_transfer"), v.get("color_space"), v.get("color_range"))
    expected = {"codec": ("h264", v.get("codec_name")), "profile": ("High", v.get("profile")),
                "pix_fmt": (PIX_FMT, v.get("pix_fmt")), "size": (f"{quality.width}x{quality.height}",
                                                                 f"{v.get('width')}x{v.get('height')}"),
                "frame rate": (str(quality.fps), str(Fraction(v.get("r_frame_rate", "0/1")))),
                "colour tags": (("bt709",) * 3 + ("tv",), tags)}
    problems = tuple(f"{what} {got} instead of {want}" for what, (want, got) in expected.items() if want != got)
    with av.open(str(video)) as container:
        extradata = bytes(container.streams.video[0].codec_context.extradata or b"")
    return VideoFacts(int(v.get("nb_frames") or 0), Fraction(v.get("r_frame_rate", "0/1")), extradata, problems,
                      v.get("color_space") == "bt709")


def copy_problems(videos: list[Path], facts: list[VideoFacts]) -> list[str]:
    """Why these chapter videos cannot be joined by stream copy into one delivery file ([] if they can)."""
    problems = [f"{v.name}: {', '.join(f.problems)}" for v, f in zip(videos, facts, strict=True) if f.problems]
    if not problems and len({f.extradata for f in facts}) > 1:
        problems.append("the chapters' H.264 headers (SPS/PPS) differ, so their streams cannot be concatenated")
    return problems


def _concat_list(videos: list[Path], facts: list[VideoFacts], out: Path) -> Path:
    """An ffmpeg concat list where each file lasts exactly its frames (a longer audio track moves nothing)."""
    lines = ["ffconcat version 1.0"]
    for video, fact in zip(videos, facts, strict=True):
        escaped = str(video.resolve()).replace("'", "'\\''")
        lines += [f"file '{escaped}'", "inpoint 0", f"duration {float(fact.frames / fact.rate):.6f}"]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def encode_youtube(videos: list[Path], soundtrack: Path, quality: Quality, out: Path, *,
                   audio_filter: str | None = None, metadata: dict[str, str] | None = None,
                   total_seconds: float | None = None, on_progress: Callable[[float], None] | None = None) -> list[str]:
    """Join ``videos`` (stream copy), add ``soundtrack`` as AAC, write ``out`` under a temporary name first, so a
    failed or stopped run leaves nothing there. Returns why the video had to be re-encoded ([] when copied)."""
    if not videos:
        raise ValueError("videos must list at least one chapter video")
    facts = [video_facts(v, quality) for v in videos]
    problems = copy_problems(videos, facts)
    part = out.with_name(f".{out.name}.part")
    listing = out.with_name(f".{out.name}.concat.txt")
    cmd = ["ffmpeg", "-y", "-v", "error", "-nostats", "-progress", "pipe:1"]
    audio_chain = ",".join(f for f in (audio_filter, f"aresample={SAMPLE_RATE}",
                                       f"aformat=sample_fmts=fltp:channel_layouts={CHANNELS}") if f)
    try:
        if problems:
            cmd += [*_reencode_inputs(videos, facts, soundtrack, quality, audio_chain),
                    *quality.ffmpeg_video_args()]
        else:
            cmd += ["-copyts", "-f", "concat", "-safe", "0", "-i", str(_concat_list(videos, facts, listing)),
                    "-i", str(soundtrack), "-filter_complex", f"[1:a]{audio_chain}[a]",
                    "-map", "0:v:0", "-map", "[a]", "-c:v", "copy"]
        cmd += [*AAC_ARGS, "-map_metadata", "-1", "-map_chapters", "-1"]
        for key, value in (metadata or {}).items():
            cmd += ["-metadata", f"{key}={value}"]
        cmd += ["-movflags", "+faststart", "-f", "mp4", str(part)]
        _stream_progress(cmd, total_seconds, on_progress)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
        listing.unlink(missing_ok=True)
    return problems


def _reencode_inputs(videos: list[Path], facts: list[VideoFacts], soundtrack: Path, quality: Quality,
                     audio_chain: str) -> list[str]:
    """Inputs and filter graph of the fallback re-encode: each chapter scaled to the frame size, its matrix
    converted to BT.709 unless tagged so (untagged is Manim's BT.601: ffmpeg's colorspace filter, which is
    exact, where swscale's YUV-to-YUV matrix change is not), then concatenated."""
    args: list[str] = []
    for video in videos:
        args += ["-i", str(video)]
    args += ["-i", str(soundtrack)]
    from_601 = ("colorspace=space=bt709:ispace=bt470bg:primaries=bt709:iprimaries=bt709:trc=bt709:itrc=bt709:"
                "range=tv:irange=tv:format=yuv420p,")
    parts = [f"[{i}:v]scale={quality.width}:{quality.height}:flags=lanczos,format={PIX_FMT},"
             f"{'' if fact.bt709 else from_601}fps={quality.fps},setsar=1,setpts=PTS-STARTPTS[v{i}]"
             for i, fact in enumerate(facts)]
    joined = "".join(f"[v{i}]" for i in range(len(videos)))
    graph = ";".join(parts) + (f";{joined}concat=n={len(videos)}:v=1:a=0,"
                               "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv[v]"
                               f";[{len(videos)}:a]{audio_chain}[a]")
    return [*args, "-filter_complex", graph, "-map", "[v]", "-map", "[a]"]


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
        raise RuntimeError(f"ffmpeg failed while writing the final video:\n{tail}")
