"""Places other than Geumcheon-gu: which local government, city or province a question
names, so that a question about another place is refused instead of answered with
Geumcheon's figure. The names come from `knowledge/places.toml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import normalize

# What may follow a place name inside a word: particles ("마포구는", "부산에서").
_PARTICLES = ("", "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에선", "에는", "도",
              "만", "로", "으로", "랑", "이랑", "과", "와", "쪽", "꺼", "거", "엔", "서", "시",
              "구", "군", "도의", "시의", "구의", "군의", "시는", "구는", "군은")
_SUFFIXES = ("구", "시", "군")
_REGION_SUFFIXES = ("", "시", "도", "광역시", "특별시", "특별자치시", "특별자치도")
_EN_SUFFIXES = ("gu", "si", "gun", "city", "county", "district")

_INITIAL = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
            "k", "t", "p", "h")
_MEDIAL = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wo", "we", "wi", "yu", "eu", "ui", "i")
_FINAL = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
          "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")


def romanize(text: str) -> str:
    """Revised Romanisation letter by letter (no sound-change rules): 해운대 -> haeundae."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIAL[code // 588] + _MEDIAL[(code % 588) // 28]
                       + _FINAL[code % 28])
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Region:
    name: str
    english: str
    governments: tuple[str, ...]


@dataclass(frozen=True)
class Places:
    home: tuple[str, ...] = ()
    home_region: str = ""
    ambiguous: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
    # The home region or the country as a whole ("서울시 전체", "전국"): not Geumcheon-gu.
    wider: tuple[str, ...] = ()
    # Built by index(): word start -> place name, Korean and romanised.
    _korean: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _english: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _home: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def governments(self) -> list[str]:
        return [g for r in self.regions for g in r.governments]

    def index(self) -> Places:
        """A copy with the look-up tables filled in."""
        korean: dict[str, str] = {}
        english: dict[str, str] = {}
        home = {h.lower() for h in self.home}
        for region in self.regions:
            if region.name != self.home_region:
                for suffix in _REGION_SUFFIXES:
                    if region.name not in self.ambiguous or suffix:
                        korean.setdefault(region.name + suffix, region.name)
                english.setdefault(region.english.lower(), region.english)
            for gov in region.governments:
                if gov in home:
                    continue
                korean.setdefault(gov, gov)
                stem = gov[:-1]
                roman = romanize(stem)
                for suffix in _EN_SUFFIXES:
                    english.setdefault(f"{roman}-{suffix}", gov)
                    english.setdefault(f"{roman}{suffix}", gov)
                if len(stem) >= 2 and stem not in self.ambiguous:
                    korean.setdefault(stem, gov)
                    english.setdefault(roman, gov)
        for name in home:
            korean.pop(name, None)
            english.pop(name, None)
        object.__setattr__(self, "_korean", korean)
        object.__setattr__(self, "_english", english)
        object.__setattr__(self, "_home", frozenset(home))
        return self

    def find(self, question: str) -> str | None:
        """The first other place the question names, or None. A Korean name counts at the
        start of a word, followed by nothing, a particle or the rest of a compound written
        without spaces when the name is a full 시·군·구 name ("마포구일자리카페")."""
        text = normalize(question)
        compact = text.replace(" ", "")
        for name in self.wider:
            if name.replace(" ", "") in compact:
                return name
        for word in text.split():
            if word.isascii():
                hit = self._english.get(re.sub(r"'s?$", "", word))
                if hit:
                    return hit
                continue
            for end in range(min(len(word), 8), 1, -1):
                name = self._korean.get(word[:end])
                if name is None:
                    continue
                rest = word[end:]
                full = word[:end].endswith(_SUFFIXES) and len(word[:end]) >= 2 and \
                    word[:end] == name
                if rest in _PARTICLES or full:
                    if word in self._home:
                        break
                    return name
        for pair in re.findall(r"[a-z]+ (?:gu|si|gun|city|county|district)\b", text):
            hit = self._english.get(pair.replace(" ", "-"))
            if hit:
                return hit
        return None


def from_data(data: dict) -> Places:
    regions = tuple(Region(name=r["name"], english=r.get("english", ""),
                           governments=tuple(r.get("governments", ())))
                    for r in data.get("region", ()))
    return Places(home=tuple(data.get("home", ())), home_region=data.get("home_region", ""),
                  ambiguous=tuple(data.get("ambiguous", ())), regions=regions,
                  wider=tuple(w.lower() for w in data.get("wider", ()))).index()
