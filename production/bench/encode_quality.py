"""Quality of the delivery encode for ``make bench``: SSIM and PSNR of a sample of a chapter against a lossless
render of the very same frames (issue #13: SSIM >= 0.995 everywhere).

The sample is the run of animations around the middle of the chapter (:func:`plan_sample`, from the play
times of a pass that skips every animation). It is rendered twice in fresh processes, once as the chapter
render writes it (the delivery encode, which the upload file joins by stream copy) and once with
``MLE2MAP_LOSSLESS=1`` (x264 at qp 0 on the same BT.709 yuv420p frames); :func:`compare` runs ffmpeg's
``ssim`` and ``psnr`` filters over the two, both decoded to yuv420p.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from production import lifetime
from production.bench.figures import QualitySample, QualitySummary
from production.probe import frame_count_and_rate

LOSSLESS_ENV = {"MLE2MAP_LOSSLESS": "1"}
SSIM_TARGET = 0.995
_SSIM = re.compile(r"SSIM Y:.*All:([0-9.]+|inf)")
_PSNR = re.compile(r"PSNR y:.*average:([0-9.]+|inf)")


def compare(distorted: Path, reference: Path) -> dict[str, float]:
    """SSIM (All: Y, U and V weighted by size) and average PSNR in dB of ``distorted`` against ``reference``;
    PSNR is ``inf`` for identical pictures. The two must have the same number of frames."""
    frames = [frame_count_and_rate(Path(p))[0] for p in (distorted, reference)]
    if frames[0] != frames[1]:
        raise RuntimeError(f"cannot compare {distorted} ({frames[0]} frames) with {reference} ({frames[1]} frames)")
    graph = ("[0:v]format=yuv420p,split[a][b];[1:v]format=yuv420p,split[c][d];[a][c]ssim;[b][d]psnr")
    result = lifetime.run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(distorted), "-i",
                           str(reference), "-filter_complex", graph, "-f", "null", "-"],
                          capture_output=True, text=True)
    ssim, psnr = _SSIM.search(result.stderr), _PSNR.search(result.stderr)
    if result.returncode != 0 or ssim is None or psnr is None:
        tail = result.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"ffmpeg ssim/psnr failed on {distorted}: {tail[0]}")
    return {"ssim": float(ssim.group(1)), "psnr_db": float(psnr.group(1)), "frames": frames[0]}


def plan_sample(plays: list[tuple[float, float]], seconds: float) -> tuple[int, int]:
    """First and last play index (inclusive) of the animations that overlap the ``seconds`` around the middle
    of the chapter; ``plays`` are the (start, end) times of every play, in order."""
    if not plays:
        raise ValueError("the scene plays no animation: nothing to sample")
    middle = plays[-1][1] / 2
    lo, hi = middle - seconds / 2, middle + seconds / 2
    chosen = [i for i, (start, end) in enumerate(plays) if end > lo and start < hi and end > start]
    if not chosen:
        chosen = [min(range(len(plays)), key=lambda i: abs(sum(plays[i]) / 2 - middle))]
    return chosen[0], chosen[-1]


def chapter_sample(module: str, scene: str, size: tuple[int, int, int], media: Path, seconds: float) -> QualitySample:
    """Render the middle ``seconds`` of a chapter with the delivery and the lossless encode and compare them."""
    from production.bench.run import run_child

    plays = run_child("plays", module, scene, size, media)["plays"]
    first, last = plan_sample([tuple(p) for p in plays], seconds)
    keep = media / "sample"
    keep.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, env in (("delivery", {"MLE2MAP_LOSSLESS": "0"}), ("lossless", LOSSLESS_ENV)):
        result = run_child("timed", module, scene, size, media, env=env, plays=(first, last),
                           keep=keep / f"{name}.mp4")
        files[name] = Path(result["kept"])
    compared = compare(files["delivery"], files["lossless"])
    start, end = plays[first][0], plays[last][1]
    delivery_bytes = files["delivery"].stat().st_size
    sample = QualitySample(ssim=compared["ssim"], psnr_db=compared["psnr_db"], frames=int(compared["frames"]),
                           first_play=first, last_play=last, start_s=round(start, 3), end_s=round(end, 3),
                           delivery_bytes=delivery_bytes, lossless_bytes=files["lossless"].stat().st_size,
                           delivery_mbps=8e-6 * delivery_bytes / max(end - start, 1e-9))
    for path in files.values():
        path.unlink(missing_ok=True)
    return sample


def summary(per_chapter: dict[str, QualitySample]) -> QualitySummary:
    """Minimum SSIM and PSNR over the chapters, and whether every chapter meets the SSIM target."""
    ssims = [c.ssim for c in per_chapter.values()]
    psnrs = [c.psnr_db for c in per_chapter.values()]
    return QualitySummary(min_ssim=min(ssims, default=math.nan), min_psnr_db=min(psnrs, default=math.nan),
                          ssim_target=SSIM_TARGET, met=bool(ssims) and min(ssims) >= SSIM_TARGET)
