"""Text normalisation for matching Korean (and English) questions against names."""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s%~.\-']", re.UNICODE)
_SPACE = re.compile(r"\s+")

_HANGUL_BASE = 0xAC00
_CHO = [chr(c) for c in range(0x1100, 0x1113)]
_JUNG = [chr(c) for c in range(0x1161, 0x1176)]
_JONG = [""] + [chr(c) for c in range(0x11A8, 0x11C3)]


# "공공근로 21 하반기": a bare year of the reports' span before a word that is not a
# counter (not "21 명"). One capturing group: the year's two digits.
BARE_YEAR = (r"(?<!\S)(1[5-9]|2[0-6])(?=\s+(?!(?:명|개|회|건|곳|번|살|세|시|분|원|개소)"
             r"(?:\s|$))[가-힣])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize(text: str) -> str:
    """NFKC then NFC (Slack and macOS may send decomposed Hangul), lower case,
    punctuation out, single spaces."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))
    text = _THOUSANDS.sub("", text)  # "8,800" is one figure
    text = _PUNCT.sub(" ", text.lower())
    return _SPACE.sub(" ", text).strip()


def alias_key(text: str) -> str:
    """How names and aliases are compared: normalised, without spaces or punctuation."""
    return re.sub(r"[\s.\-'~%·ㆍ]", "", normalize(text).replace("·", ""))


def to_jamo(text: str) -> str:
    """Decompose Hangul syllables into conjoining jamo, so that a one-letter typo
    (까페/카페, 패/페) costs one edit out of three instead of a whole syllable."""
    out = []
    for ch in text:
        code = ord(ch) - _HANGUL_BASE
        if 0 <= code < 11172:
            out.append(_CHO[code // 588])
            out.append(_JUNG[(code % 588) // 28])
            out.append(_JONG[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def is_hangul(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7A3


def hangul_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_hangul(c) or 0x3131 <= ord(c) <= 0x318E
               or 0x1100 <= ord(c) <= 0x11FF) / len(letters)
