"""The targets of issues #12 and #13 against what ``make bench`` measured: figure, before, now, target, met.

"before" holds the figures the issues quote; "now" is read from the results, or says "not measured" (and
"met" is then None) when the section that measures it did not run.
"""

from __future__ import annotations

from collections.abc import Callable

from production.bench.figures import QualitySummary, Results

#: What a row reads from the results: (now, met), met None when it cannot be judged; None when not measured.
Found = tuple[str, bool | None] | None

LIMIT_CHAPTERS = ("ch03_likelihood", "ch05_prior", "ch07_algebra")
GIB = 1024.0


def _summary(results: Results) -> QualitySummary | None:
    return results.quality.summary if results.quality else None


def _rtf(run: str, limit: float) -> Callable[[Results], Found]:
    def row(results: Results) -> Found:
        fig = results.hd_run(run)
        if not fig or fig.rtf is None:
            return None
        return f"{fig.rtf:.2f}x ({fig.wall_s:.0f} s for {fig.video_seconds:.0f} s)", fig.rtf <= limit
    return row


def _packaging(results: Results) -> Found:
    runs = [(name, results.hd_run(name)) for name in ("cold", "warm")]
    runs = [(name, fig) for name, fig in runs if fig]
    if not runs:
        return None
    text = ", ".join(f"{name} {fig.packaging_share:.1%} ({fig.packaging_after_last_chapter_s:.0f} s)"
                     for name, fig in runs)
    return text, all(fig.packaging_share <= 0.05 for _, fig in runs)


def _upload(results: Results) -> Found:
    fig = results.hd_run("cold") or results.hd_run("warm")
    quality = _summary(results)
    if not fig or fig.upload_mb is None:
        return None
    minutes = fig.video_seconds / 60
    text = f"{fig.upload_mb:.0f} MB for {minutes:.1f} min"
    if not quality:
        return text + ", SSIM not measured", None
    text += f", worst chapter SSIM {quality.min_ssim:.4f}"
    return text, fig.upload_mb <= 150 and quality.min_ssim >= 0.995


def _ssim(results: Results) -> Found:
    quality = _summary(results)
    if not quality:
        return None
    return f"min SSIM {quality.min_ssim:.4f}, min PSNR {quality.min_psnr_db:.1f} dB", quality.min_ssim >= 0.995


def _cpu_ratio(results: Results) -> Found:
    chapters = results.chapters
    found = {slug: chapters[slug].limit_cpu_ratio for slug in LIMIT_CHAPTERS
             if slug in chapters and chapters[slug].limit_cpu_ratio is not None}
    if not found:
        return None
    text = ", ".join(f"{slug[:4]} {ratio:.2f}" for slug, ratio in found.items())
    if len(found) < len(LIMIT_CHAPTERS):
        text += " (not all three measured)"
    return text, max(found.values()) <= 1.15 and len(found) == len(LIMIT_CHAPTERS)


def _peak_hd(results: Results) -> Found:
    peaks = [fig.peak_mib_per_worker for fig in (results.hd_run("cold"), results.hd_run("warm"))
             if fig and fig.peak_mib_per_worker]
    if not peaks:
        return None
    return f"{max(peaks) / GIB:.2f} GiB (largest chapter worker, make video hd)", max(peaks) < GIB


def _peak_4k(results: Results) -> Found:
    fig = results.other.get("memory_4k")
    if not fig:
        return None
    return f"{fig['peak_mib'] / GIB:.2f} GiB ({fig['chapter']} at 3840x2160@60)", fig["peak_mib"] < 2 * GIB


def _pacing(key: str) -> Callable[[Results], Found]:
    def row(results: Results) -> Found:
        chapters = (results.other.get("pacing") or {}).get("chapters", {})
        if not chapters:
            return None
        ok = [slug for slug, c in chapters.items() if c[key]]
        worst = max(chapters.items(), key=lambda kv: kv[1]["share" if key == "share_ok" else "longest_s"])
        if key == "share_ok":
            detail = f"worst {worst[0][:4]} {worst[1]['share']:.0%}"
        else:
            detail = f"longest {worst[0][:4]} {worst[1]['longest_s']:.1f} s"
        return f"{len(ok)} of {len(chapters)} chapters ({detail})", len(ok) == len(chapters)
    return row


#: (figure, before as the issues quote it, target, how "now" and "met" are read from the results)
ROWS: tuple[tuple[str, str, str, Callable[[Results], Found]], ...] = (
    ("make video hd, cold start / video duration", "1.88x", "<= 0.9x", _rtf("cold", 0.9)),
    ("make video hd, warm (--force) / video duration", "about 1.2x", "<= 0.6x", _rtf("warm", 0.6)),
    ("packaging after the last chapter, share of the run", "48%", "<= 5%", _packaging),
    ("upload file, 8-minute video", "736 MB", "<= 150 MB, SSIM >= 0.995", _upload),
    ("delivery encode vs lossless, every chapter", "-", "SSIM >= 0.995", _ssim),
    ("CPU per frame / frame limit (ch03, ch05, ch07)", "1.20-1.30", "<= 1.15", _cpu_ratio),
    ("peak memory per worker, hd", "0.6-0.75 GiB", "< 1 GiB", _peak_hd),
    ("peak memory per worker, 4K", "not measured", "< 2 GiB", _peak_4k),
    ("pacing: stills > 3 s, share of each chapter", "-", "<= 20%", _pacing("share_ok")),
    ("pacing: no still > 6 s but title and end card", "-", "every chapter", _pacing("longest_ok")),
)


def targets_table(results: Results) -> list[dict[str, object]]:
    """One row per target: figure, before, now, target, met (None when not measured)."""
    rows = []
    for figure, before, target, read in ROWS:
        found = read(results)
        now, met = found if found else ("not measured", None)
        rows.append({"figure": figure, "before": before, "now": now, "target": target, "met": met})
    return rows


def format_table(rows: list[dict[str, object]]) -> str:
    """The rows as aligned text."""
    cells = [("figure", "before", "now", "target", "met?")]
    for r in rows:
        met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
        cells.append((str(r["figure"]), str(r["before"]), str(r["now"]), str(r["target"]), met))
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
