"""How intelligible a voice is: pocketsphinx (offline, the English model its wheel ships) transcribes the audio,
and the word error rate compares that with the words the voice was asked to say.

The recogniser is weak on its own (its language model knows nothing of "sigma" or "lasso"), so the rate is a
comparison between voices on the same text, not an absolute score.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from production import lifetime
from scenes.lexicon import spoken

_RATE = 16_000  # pocketsphinx's English model expects 16 kHz mono


def words(text: str) -> list[str]:
    """The words of a spoken text as the recogniser writes them: lower case, no punctuation, hyphens split."""
    return re.findall(r"[a-z']+", spoken(text).lower().replace("-", " "))


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """(substitutions + deletions + insertions) / reference words, by word-level edit distance."""
    if not reference:
        raise ValueError("reference must hold at least one word")
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1] / len(reference)


@cache
def _decoder():
    """One recogniser per process: loading the English model takes longer than decoding a beat."""
    from pocketsphinx import Decoder

    return Decoder(samprate=_RATE, loglevel="FATAL")


def transcribe(audio: Path) -> list[str]:
    """Words pocketsphinx hears in an audio file (any format ffmpeg reads)."""
    raw = lifetime.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(audio), "-ac", "1", "-ar", str(_RATE),
                        "-f", "s16le", "-"], capture_output=True, check=True).stdout
    decoder = _decoder()
    decoder.start_utt()
    decoder.process_raw(raw, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr.split() if hyp is not None else []


def audio_wer(audio: Path, text: str) -> tuple[float, int]:
    """(word error rate of ``audio`` against ``text``, number of reference words)."""
    reference = words(text)
    return word_error_rate(reference, transcribe(audio)), len(reference)
