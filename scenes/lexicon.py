"""How the narrator says what the captions write: symbols, acronyms and numbers turned into words.

The narration is written the way a viewer reads it (``σn``, ``λ = 2.25``, ``O(n³)``, ``MAP``); the captions
show that text. ``spoken`` rewrites it for the voice, with one ordered table of rules in one place, so every
voice (Piper, espeak, the cloud services) says the article's terms the same way. After ``spoken`` a text holds
only letters, spaces and punctuation that a speech engine reads as pauses.
"""

from __future__ import annotations

import re

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def integer_words(n: int) -> str:
    """English words for 0 <= n < 1,000,000 ("two hundred", "twenty five")."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"n must be in 0..999999 to be spoken, got {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {integer_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{integer_words(thousands)} thousand" + (f" {integer_words(rest)}" if rest else "")


def number_words(token: str) -> str:
    """A written number as spoken: "0.3" -> "zero point three", "2.25" -> "two point two five", "-1" -> "minus one"."""
    match = re.fullmatch(r"(-|−)?(\d+)(?:\.(\d+))?", token)
    if match is None:
        raise ValueError(f"token must be a plain decimal number like 0.3 or 25, got {token!r}")
    sign, whole, fraction = match.groups()
    words = integer_words(int(whole))
    if fraction:
        words += " point " + " ".join(_ONES[int(d)] for d in fraction)
    return f"minus {words}" if sign else words


#: Ordered (pattern, replacement) rules; earlier rules see the text first. Each names one written form.
RULES: tuple[tuple[str, str], ...] = (
    (r"\bO\(n³\)", " order n cubed "),
    (r"\bp\(D\s*\|\s*w\)", " p of D given w "),
    (r"\$(\d+(?:\.\d+)?)", r" \1 dollars "),  # "$200" -> "200 dollars" (espeak would say "dollar two hundred")
    (r"σn²|σ_n²", " sigma n squared "),
    (r"σ²", " sigma squared "),
    (r"σn|σ_n", " sigma n "),
    (r"σ", " sigma "),
    (r"λ", " lambda "),
    (r"√", " root "),
    (r"²", " squared "),
    (r"³", " cubed "),
    (r"ᵢ", " i "),
    (r"·", " "),
    (r"[()]", " "),
    (r"\bMLE\b", "em el ee"),
    (r"\bMAP\b", "em ay pee"),
    (r"\bReLUs\b", "ray-loos"),
    (r"\bReLU\b", "ray-loo"),
    (r"\bL([12])\b", r"L \1"),
    (r"\s*=\s*", " equals "),
    (r"\s*≈\s*", " about "),
    (r"\s*×\s*", " times "),
    (r"\s*/\s*", " over "),
    (r"\s*\+\s*", " plus "),
    (r"(?<=\s)−\s*|(?<=\s)-\s+", "minus "),
)
_COMPILED = tuple((re.compile(p), r) for p, r in RULES)
_NUMBER = re.compile(r"(?<![A-Za-z\d.])[−-]?\d+(?:\.\d+)?(?!\d)")
_SPEAKABLE = re.compile(r"[A-Za-z ,.;:!?'’\-]*")


def spoken(text: str) -> str:
    """``text`` as the voice should read it: rules of ``RULES`` in order, then numbers in words."""
    out = " ".join(text.split())
    for pattern, replacement in _COMPILED:
        out = pattern.sub(replacement, out)
    out = _NUMBER.sub(lambda m: f" {number_words(m.group(0))} ", out)
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(out.split()))


def unspeakable(text: str) -> str:
    """The characters of ``spoken(text)`` that are not letters, spaces or plain punctuation ('' when all are)."""
    said = spoken(text)
    return "".join(sorted({c for c in said if not _SPEAKABLE.fullmatch(c)}))
