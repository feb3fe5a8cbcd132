"""Voice figures of the benchmark: per chapter and voice, how fast the narration is synthesised from an empty
cache (real-time factor: synthesis seconds / spoken seconds), that a second run synthesises nothing, how well
pocketsphinx understands it (word error rate), and how far the silent estimate is from the real beat lengths.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

VOICES = ("piper", "espeak")


def _service(voice: str, cache: Path):
    if voice == "piper":
        from scenes.piper_voice import PiperService

        return PiperService(cache_dir=str(cache))
    from scenes.voice import EspeakService

    return EspeakService(cache_dir=str(cache))


def chapter_voice(voice: str, slug: str, cache: Path) -> dict:
    """One chapter's narration with one voice, from an empty cache, then again from the full one."""
    from production.bench.wer import audio_wer
    from scenes.narration import estimated_duration, load_script
    from scenes.segmented_voice import RATE, read_wav

    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    beats = load_script(slug)
    service = _service(voice, cache)
    start = time.perf_counter()
    files = {key: service.generate_from_text(text)["final_audio"] for key, text in beats.items()}
    synth_s = time.perf_counter() - start
    lengths = {key: read_wav(cache / name).size / RATE for key, name in files.items()}
    again = _service(voice, cache)
    start = time.perf_counter()
    for text in beats.values():
        again.generate_from_text(text)
    rerun_s = time.perf_counter() - start
    errors, words = 0.0, 0
    for key, name in files.items():
        rate, count = audio_wer(cache / name, beats[key])
        errors, words = errors + rate * count, words + count
    spoken = sum(lengths.values())
    estimate = {key: round(100 * (estimated_duration(beats[key]) - real) / real, 1) for key, real in lengths.items()}
    return {"spoken_s": round(spoken, 2), "synth_s": round(synth_s, 2), "rtf": round(synth_s / spoken, 3),
            "segments": service.synthesised, "rerun_s": round(rerun_s, 3), "rerun_segments": again.synthesised,
            "wer": round(errors / words, 3), "words": words, "estimate_error_pct": estimate}


def voice_figures(slugs: list[str], media: Path) -> dict:
    """Every chapter with every voice; the caches live in ``media`` and are removed afterwards."""
    out: dict[str, dict] = {}
    for voice in VOICES:
        rows = {}
        for slug in slugs:
            print(f"  voice {voice}: {slug}", flush=True)
            rows[slug] = chapter_voice(voice, slug, media / "voice" / voice / slug)
        spoken = sum(r["spoken_s"] for r in rows.values())
        synth = sum(r["synth_s"] for r in rows.values())
        words = sum(r["words"] for r in rows.values())
        out[voice] = {"chapters": rows, "spoken_s": round(spoken, 2), "synth_s": round(synth, 2),
                      "rtf": round(synth / spoken, 3),
                      "wer": round(sum(r["wer"] * r["words"] for r in rows.values()) / words, 3)}
    shutil.rmtree(media / "voice", ignore_errors=True)
    return out


def voice_table(figures: dict) -> list[str]:
    """Lines of the benchmark table: per chapter, each voice's real-time factor and word error rate."""
    if not figures:
        return []
    voices = [v for v in VOICES if v in figures]
    slugs = list(figures[voices[0]]["chapters"])
    head = "chapter".ljust(24) + "".join(f"  {v} rtf  {v} WER" for v in voices) + "  estimate err (max |%|)"
    lines = ["voice: synthesis from an empty cache / spoken time, and pocketsphinx word error rate", head]
    for slug in slugs:
        cells = "".join(f"  {figures[v]['chapters'][slug]['rtf']:>{len(v) + 4}.3f}  "
                        f"{figures[v]['chapters'][slug]['wer']:>{len(v) + 4}.3f}" for v in voices)
        worst = max(abs(e) for e in figures[voices[0]]["chapters"][slug]["estimate_error_pct"].values())
        lines.append(slug.ljust(24) + cells + f"  {worst:>5.1f}")
    total = "".join(f"  {figures[v]['rtf']:>{len(v) + 4}.3f}  {figures[v]['wer']:>{len(v) + 4}.3f}" for v in voices)
    lines.append("all".ljust(24) + total)
    return lines
