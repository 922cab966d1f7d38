"""Synthetic knowledge bases at national scale, and a fixed question set with the program
each question is about.

Names combine the 226 local governments with program stems, target groups and variants,
so that they overlap the way a national knowledge base would ("서울 종로구 청년
일자리카페", "부산 중구 청년 일자리카페", "종로구 일자리카페 2단계"). Every program has a
few budget, metric, milestone and info facts, each with a quote. The objects are built
directly (bot.core.model), not through TOML: the provenance check needs real report text.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from bot.core.model import Fact, KnowledgeBase, Program, Report
from bot.core.text import alias_key

from .places import english_gov, local_governments

SEED = 20240611
PROGRAMS_PER_GOVERNMENT = 40  # about what one district runs; past 226 x 40 they get denser

# Program stems: (Korean, English). Several share words on purpose (일자리, 센터, 지원).
STEMS: tuple[tuple[str, str], ...] = (
    ("일자리카페", "job cafe"), ("새벽일자리쉼터", "dawn job shelter"),
    ("공공근로", "public works"), ("취업박람회", "job fair"), ("일자리센터", "job center"),
    ("지역공동체 일자리사업", "community jobs"), ("뉴딜일자리", "new deal jobs"),
    ("일자리플러스센터", "job plus center"), ("창업지원센터", "startup center"),
    ("사회적경제 지원센터", "social economy center"), ("희망일자리", "hope jobs"),
    ("생활임금", "living wage"), ("직업훈련", "vocational training"),
    ("취업역량 강화교육", "employability training"), ("일자리박람회", "job expo"),
    ("구인구직 만남의 날", "hiring day"), ("마을기업 육성", "village enterprise"),
    ("사회적기업 육성", "social enterprise"), ("자활근로", "self-support work"),
    ("노인일자리", "senior jobs"), ("인생이모작 지원센터", "second career center"),
    ("경력단절여성 재취업", "women reemployment"), ("창업사관학교", "startup academy"),
    ("도시재생 일자리", "urban regeneration jobs"), ("스마트팜 일자리", "smart farm jobs"),
    ("관광 일자리", "tourism jobs"), ("문화예술 일자리", "arts jobs"),
    ("돌봄 일자리", "care jobs"), ("골목상권 활성화", "alley market revival"),
    ("전통시장 청년몰", "market youth mall"), ("소상공인 지원센터", "small business center"),
    ("고용안정 지원", "employment stability"), ("노동권익센터", "labor rights center"),
    ("일자리 창출사업", "job creation"), ("공공일자리", "public jobs"),
    ("지역산업 맞춤형 일자리", "regional industry jobs"), ("물류단지 일자리", "logistics jobs"),
    ("일자리 허브", "job hub"), ("인턴십", "internship"), ("취업 멘토링", "job mentoring"),
    ("찾아가는 일자리상담", "outreach job counselling"), ("일자리 버스", "job bus"),
    ("녹색일자리", "green jobs"), ("디지털 배움터", "digital learning center"),
)
# Target groups and themes put in front of a stem; "" first: the plain stem is the most
# common program.
MODIFIERS: tuple[tuple[str, str], ...] = (
    ("", ""), ("청년", "youth"), ("신중년", "new middle-age"), ("어르신", "senior"),
    ("여성", "women"), ("장애인", "disabled"), ("희망", "hope"), ("행복", "happy"),
    ("스마트", "smart"), ("동네", "neighborhood"), ("마을", "village"), ("디지털", "digital"),
)
# Variants after a stem. Question templates never use these words, so that a question
# about "X" is not also, word for word, a question about "X 시범사업".
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("", ""), ("2단계", "phase two"), ("시범사업", "pilot"), ("확대사업", "expansion"),
    ("공모사업", "contest"),
)
DEPARTMENTS = ("일자리정책과", "일자리경제과", "경제진흥과", "지역경제과", "복지정책과",
               "사회적경제과", "도시재생과", "일자리창출과")
TEAMS = ("일자리지원팀", "고용정책팀", "청년정책팀", "사회적경제팀", "공공일자리팀",
         "취업지원팀", "창업지원팀", "노동정책팀")
ELIGIBLE = {"청년": "만 19~39세 청년 구직자", "신중년": "만 50~64세 신중년 구직자",
            "어르신": "만 65세 이상 어르신", "여성": "경력단절 여성",
            "장애인": "등록 장애인 구직자"}
DONGS = ("중앙동", "신흥동", "문화동", "행복동", "대학동", "역전동", "산업동", "시장동")


@dataclass(frozen=True)
class Question:
    text: str
    program: str  # expected program id
    kind: str  # exact, spaced, unspaced, typo, particle, english


REPORTS = {
    "syn2021": Report(id="syn2021", file="sources/syn2021.txt", title="2021 주요업무계획",
                      short="2021년 업무계획", date="2021-01", headline_year=2021),
    "syn2022": Report(id="syn2022", file="sources/syn2022.txt",
                      title="2021 주요업무 추진실적 및 2022 주요업무계획",
                      short="2022년 업무보고", date="2021-11", headline_year=2022),
}


def _governments(size: int) -> list[tuple[str, str, str]]:
    """As many local governments as `size` needs at PROGRAMS_PER_GOVERNMENT each, in
    order (so 1,000 programs are Seoul's 25 districts), at most all 226."""
    govs = local_governments()
    return govs[:max(1, min(len(govs), -(-size // PROGRAMS_PER_GOVERNMENT)))]


def _labels(rng: random.Random, count: int) -> list[tuple[str, str, str, str, str, str]]:
    """(modifier, stem, suffix) in Korean and English, plain stems first."""
    plain = [(MODIFIERS[0], stem, SUFFIXES[0]) for stem in STEMS]
    rng.shuffle(plain)
    rest = [(m, s, x) for m in MODIFIERS for s in STEMS for x in SUFFIXES
            if (m, x) != (MODIFIERS[0], SUFFIXES[0])]
    rng.shuffle(rest)
    # Half of a district's variants are of a group ("청년 일자리카페") without a suffix.
    grouped = [c for c in rest if c[2] == SUFFIXES[0]]
    others = [c for c in rest if c[2] != SUFFIXES[0]]
    mixed = [c for pair in zip(grouped, others, strict=False) for c in pair]
    chosen = (plain + mixed)[:count]
    return [(m[0], s[0], x[0], m[1], s[1], x[1]) for m, s, x in chosen]


def _money(rng: random.Random) -> tuple[int, int, int]:
    total = rng.randrange(50_000, 3_000_000)
    city = total * rng.choice((0, 3, 5, 7)) // 10
    return total, city, total - city


def _n(value: int) -> str:
    return f"{value:,}"


def _facts(pid: str, rng: random.Random, name: str, gov: str, modifier: str,
           english: str) -> tuple[Fact, ...]:
    dept = rng.choice(DEPARTMENTS)
    team = rng.choice(TEAMS)
    dong = rng.choice(DONGS)
    rows: list[tuple[str, str, tuple[str, ...], dict]] = []
    rows.append(("info", "syn2022", (f"{name} 담당: {gov} {dept} {team}",),
                 {"field": "team", "text": f"{dept} {team}"}))
    rows.append(("info", "syn2021", (f"사업목적 : 지역 주민의 일자리 창출과 {name} 활성화",),
                 {"field": "purpose", "text": "지역 주민의 일자리 창출"}))
    eligible = ELIGIBLE.get(modifier, f"{gov} 거주 구직자")
    rows.append(("info", "syn2021", (f"사업대상 : {eligible}",),
                 {"field": "eligibility", "text": eligible}))
    rows.append(("info", "syn2022", (f"사업장소 : {gov} {dong} 주민센터",),
                 {"field": "place", "text": f"{gov} {dong} 주민센터"}))
    rows.append(("info", "syn2022", (f"영문 명칭 : {english}",),
                 {"field": "other", "text": f"영문 명칭 {english}"}))
    for year, report in ((2021, "syn2021"), (2022, "syn2022")):
        total, city, district = _money(rng)
        quote = f"{year}년 예산 : 총 {_n(total)}천원 (시비 {_n(city)}, 구비 {_n(district)})"
        rows.append(("budget", report, (quote,),
                     {"year": year, "stage": "plan", "unit": "천원", "total": total,
                      "city": city, "district": district}))
    spent = rng.randrange(30_000, 2_000_000)
    rows.append(("budget", "syn2022", (f"2021년 집행액 : {_n(spent)}천원",),
                 {"year": 2021, "stage": "executed", "unit": "천원", "total": spent}))
    target = rng.randrange(20, 400)
    actual = rng.randrange(target // 2, target + 40)
    rate = round(actual * 100 / target, 1)
    rows.append(("metric", "syn2022",
                 (f"2021년 참여인원 : 목표 {target}명, 실적 {actual}명 (달성률 {rate}%)",),
                 {"name": "참여인원", "year": 2021, "target": target, "actual": actual,
                  "rate": rate, "unit": "명"}))
    plan = rng.randrange(10, 300)
    rows.append(("metric", "syn2022", (f"2022년 취업자 수 계획 : {plan}명",),
                 {"name": "취업자 수", "year": 2022, "value": plan, "stage": "plan",
                  "unit": "명"}))
    month = rng.randrange(1, 6)
    rows.append(("milestone", "syn2022", (f"'22. {month}월 ~ 12월 : 참여자 모집 및 운영",),
                 {"start": f"2022-{month:02d}", "end": "2022-12", "what": "참여자 모집 및 운영",
                  "stage": "plan"}))
    return tuple(Fact(program_id=pid, index=n, type=kind, report=report, quotes=quotes,
                      data=data) for n, (kind, report, quotes, data) in enumerate(rows))


@dataclass(frozen=True)
class Synthetic:
    kb: KnowledgeBase
    questions: list[Question]


def generate(size: int, seed: int = SEED, questions: int = 200) -> Synthetic:
    """A knowledge base of `size` programs and `questions` questions about them."""
    rng = random.Random(f"{seed}-{size}")
    govs = _governments(size)
    gov_count = Counter(gov for _, _, gov in local_governments())
    per_gov = -(-size // len(govs))
    programs: dict[str, Program] = {}
    meta: dict[str, dict] = {}
    labels = {gov_key: _labels(rng, per_gov) for gov_key in govs}
    n = 0
    for k in range(per_gov):
        for region, region_en, gov in govs:
            if n >= size:
                break
            mod, stem, suf, mod_en, stem_en, suf_en = labels[(region, region_en, gov)][k]
            label = " ".join(x for x in (mod, stem, suf) if x)
            label_en = " ".join(x for x in (mod_en, stem_en, suf_en) if x)
            unique = gov_count[gov] == 1
            pid = f"p{n:05d}"
            name = f"{region} {gov} {label}"
            short = f"{gov} {label}" if unique else name
            gov_en = english_gov(gov) if unique else f"{region_en} {english_gov(gov)}"
            english = f"{gov_en} {label_en}"
            aliases = [short, english]
            if unique and len(gov) >= 3 and gov_count.get(gov[:-1] + "시", 0) + \
                    gov_count.get(gov[:-1] + "군", 0) + gov_count.get(gov[:-1] + "구", 0) == 1:
                aliases.append(f"{gov[:-1]} {label}")  # 종로 청년 일자리카페
            if not label.endswith("사업"):
                aliases.append(f"{short} 사업")
            programs[pid] = Program(
                id=pid, name=name, short=short, kind="program", department=f"{gov}",
                aliases=tuple(aliases), facts=_facts(pid, rng, name, gov, mod, english),
                path=f"programs/{pid}.toml")
            meta[pid] = {"short": short, "english": english, "label": label, "gov": gov,
                         "name": name}
            n += 1
    kb = KnowledgeBase(reports=dict(REPORTS), programs=programs)
    return Synthetic(kb, make_questions(kb, meta, rng, questions))


# ---- questions ------------------------------------------------------------------------

_KO_TEMPLATES = (
    ("exact", "{name} 2021년 예산"),
    ("exact", "{short} 담당 부서"),
    ("spaced", "{spaced} 2022년 예산은 얼마야?"),
    ("unspaced", "{unspaced} 2021년 참여인원"),
    ("typo", "{typo} 2021년 예산"),
    ("typo", "{typo} 어디서 해?"),
    ("particle", "{short}의 2021년 참여인원은 몇 명이야?"),
    ("particle", "{short}는 누가 신청할 수 있어?"),
    ("particle", "{short}에 대해 알려줘"),
    ("particle", "{short}은 언제 모집해?"),
)
_EN_TEMPLATES = (
    ("english", "{english} budget 2021"),
    ("english", "who is eligible for the {english}?"),
)

# One-letter slips: a vowel or consonant swapped for its neighbour (카페/까페, 게/개).
_JUNG_SWAP = {0: 1, 1: 0, 4: 5, 5: 4, 8: 13, 13: 8, 18: 20, 20: 18, 6: 7}
_CHO_SWAP = {15: 1, 1: 15, 0: 15, 3: 16, 16: 3, 7: 17, 17: 7, 12: 14, 14: 12, 9: 10}


def _typo(text: str, rng: random.Random) -> str | None:
    """One jamo changed in one syllable of `text` (not the first syllable)."""
    spots = [i for i, ch in enumerate(text) if 0xAC00 <= ord(ch) <= 0xD7A3 and i > 0]
    rng.shuffle(spots)
    for i in spots:
        code = ord(text[i]) - 0xAC00
        cho, jung, jong = code // 588, (code % 588) // 28, code % 28
        if rng.random() < 0.5 and jung in _JUNG_SWAP:
            jung = _JUNG_SWAP[jung]
        elif cho in _CHO_SWAP:
            cho = _CHO_SWAP[cho]
        elif jung in _JUNG_SWAP:
            jung = _JUNG_SWAP[jung]
        else:
            continue
        return text[:i] + chr(0xAC00 + cho * 588 + jung * 28 + jong) + text[i + 1:]
    return None


def _spaced(text: str, rng: random.Random) -> str:
    """Spaces moved: "종로구 청년 일자리카페" -> "종로구청년 일자리 카페"."""
    letters = text.replace(" ", "")
    out = []
    for i, ch in enumerate(letters):
        if i and rng.random() < 0.3:
            out.append(" ")
        out.append(ch)
    return "".join(out)


def make_questions(kb: KnowledgeBase, meta: dict[str, dict], rng: random.Random,
                   count: int) -> list[Question]:
    """`count` questions, each about one program (programs drawn at random)."""
    keys: dict[str, set[str]] = {}
    for program in kb.programs.values():
        for alias in (program.name, program.short, *program.aliases):
            keys.setdefault(alias_key(alias), set()).add(program.id)
    ids = sorted(kb.programs)
    templates = _KO_TEMPLATES * 5 + _EN_TEMPLATES * 2
    out: list[Question] = []
    while len(out) < count:
        pid = rng.choice(ids)
        info = meta[pid]
        kind, template = rng.choice(templates)
        fields = {"name": info["name"], "short": info["short"], "english": info["english"],
                  "spaced": _spaced(info["short"], rng),
                  "unspaced": info["short"].replace(" ", "")}
        if kind == "typo":
            typo = _typo(info["short"], rng)
            if typo is None or alias_key(typo) in keys:
                continue  # the slip made another name: not a typo question
            fields["typo"] = typo
        out.append(Question(template.format(**fields), pid, kind))
    return out
