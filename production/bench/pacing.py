"""Pacing of a rendered chapter: its still stretches, measured with ffmpeg's ``freezedetect`` (issue #12).

The chapter is scaled to 480x270 and run through ``freezedetect=n=0.0005:d=3``: every stretch of at least
3 s whose frames differ by less than the noise threshold is a *still*. The targets: stills cover at most
20 % of the chapter's runtime, and no still lasts longer than 6 s except the title card (ch01) and the end
card (ch10), which :func:`check` exempts only when asked to (:func:`card_exemptions` says which chapter holds
which card).

``python -m production.bench.pacing media/render/hd/*.mp4`` prints one line per file.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from production import lifetime, probe

NOISE = 0.0005
MIN_STILL = 3.0
MAX_SHARE = 0.20
MAX_STILL = 6.0
SCALE = "480:270"
#: A still that reaches this close to either end of the file touches that end (two frames at 60 fps, one
#: at 30; freezedetect's times are frame times).
EDGE = 0.05

_EVENT = re.compile(r"lavfi\.freezedetect\.freeze_(start|end): *([0-9.eE+-]+)")


@dataclass(frozen=True)
class Pacing:
    """The stills of one video: ``stills`` are (start, end) in seconds, in order."""

    video: Path
    runtime: float
    stills: tuple[tuple[float, float], ...]

    @property
    def frozen(self) -> float:
        """Seconds spent in stills."""
        return sum(end - start for start, end in self.stills)

    @property
    def share(self) -> float:
        """Frozen seconds / runtime (0 for an empty video)."""
        return self.frozen / self.runtime if self.runtime > 0 else 0.0

    @property
    def longest(self) -> float:
        """Length of the longest still (0 when there is none)."""
        return max((end - start for start, end in self.stills), default=0.0)

    def as_dict(self) -> dict:
        return {"runtime_s": round(self.runtime, 3), "frozen_s": round(self.frozen, 3),
                "share": round(self.share, 4), "longest_s": round(self.longest, 3),
                "stills": [[round(a, 3), round(b, 3)] for a, b in self.stills]}


def parse(log: str, runtime: float) -> tuple[tuple[float, float], ...]:
    """The (start, end) stills in freezedetect's log lines; a still open at the end of the file ends at
    ``runtime``."""
    stills: list[tuple[float, float]] = []
    start: float | None = None
    for kind, value in _EVENT.findall(log):
        if kind == "start":
            start = float(value)
        elif start is not None:
            stills.append((start, float(value)))
            start = None
    if start is not None:
        stills.append((start, max(start, runtime)))
    return tuple(stills)


def duration(video: Path) -> float:
    """Duration of the first video stream (the container's when the stream has none)."""
    info = probe.probe(video)
    value = probe.video_stream(info).get("duration") or info.get("format", {}).get("duration")
    if value is None:
        raise RuntimeError(f"{video}: ffprobe reports no duration")
    return float(value)


def measure(video: Path) -> Pacing:
    """Run freezedetect over ``video`` (scaled to 480x270) and collect its stills."""
    video = Path(video)
    if not video.is_file():
        raise ValueError(f"{video}: no such video file")
    runtime = duration(video)
    result = lifetime.run(["ffmpeg", "-hide_banner", "-nostats", "-nostdin", "-i", str(video), "-an",
                           "-vf", f"scale={SCALE},freezedetect=n={NOISE}:d={MIN_STILL:g}", "-f", "null", "-"],
                          capture_output=True, text=True)
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"ffmpeg freezedetect failed on {video}: {tail[0]}")
    return Pacing(video, runtime, parse(result.stderr, runtime))


def card_exemptions(chapter: str) -> dict[str, bool]:
    """The keyword arguments of :func:`check` for a chapter named like ``ch01_cold_open``: ch01 holds the
    title card, ch10 the end card."""
    return {"allow_title": chapter.startswith("ch01"), "allow_end": chapter.startswith("ch10")}


def _touches_start(still: tuple[float, float]) -> bool:
    return still[0] <= EDGE


def _touches_end(still: tuple[float, float], runtime: float) -> bool:
    return still[1] >= runtime - EDGE


def check(p: Pacing, *, allow_title: bool = False, allow_end: bool = False) -> list[str]:
    """The pacing targets ``p`` breaks, one sentence each (empty when all are met).

    ``allow_title`` exempts the title card from the 6 s limit: a still that opens or closes the file (ch01's
    card is its last beat; one at the very start would be exempt too). ``allow_end`` exempts the end card:
    a still that runs to the very end of the file. Neither exemption changes the 20 % share, which counts
    every still.
    """
    broken = []
    if p.share > MAX_SHARE:
        broken.append(f"{p.video.name}: stills longer than {MIN_STILL:g} s cover {p.share:.0%} of its "
                      f"{p.runtime:.1f} s (target at most {MAX_SHARE:.0%})")
    for still in p.stills:
        length = still[1] - still[0]
        if length <= MAX_STILL:
            continue
        if allow_title and (_touches_start(still) or _touches_end(still, p.runtime)):
            continue
        if allow_end and _touches_end(still, p.runtime):
            continue
        broken.append(f"{p.video.name}: a {length:.1f} s still from {still[0]:.2f} s to {still[1]:.2f} s "
                      f"(target at most {MAX_STILL:g} s)")
    return broken


def table(rows: list[tuple[str, Pacing, list[str]]]) -> str:
    """One line per chapter: runtime, frozen seconds, share, longest still, status."""
    lines = [f"{'chapter':<24} {'runtime s':>9} {'frozen s':>8} {'share':>6} {'longest s':>9}  status",
             f"{'-' * 24} {'-' * 9} {'-' * 8} {'-' * 6} {'-' * 9}  ------"]
    for name, p, broken in rows:
        status = "ok" if not broken else f"FAIL ({len(broken)})"
        lines.append(f"{name:<24} {p.runtime:>9.1f} {p.frozen:>8.1f} {p.share:>6.1%} {p.longest:>9.1f}  {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="chapter renders (e.g. media/render/hd/ch05_prior.mp4)")
    args = parser.parse_args(argv)
    rows = []
    try:
        for path in args.files:
            p = measure(path)
            rows.append((path.stem, p, check(p, **card_exemptions(path.stem))))
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(table(rows))
    for _, _, broken in rows:
        for line in broken:
            print(f"  {line}")
    return 1 if any(broken for _, _, broken in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
