"""Query understanding: slots (year, half, quarter, funding source, group) and intent.

Works on normalised text (see text.normalize). Program matching is in matcher.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from .text import BARE_YEAR, hangul_ratio, normalize

INTENTS = ("budget", "schedule", "hours", "eligibility", "participants", "results", "place", "team",
           "contact", "overview")

# (keyword, weight). Question words weigh more than topic nouns. Keywords are matched
# against the question without spaces, English ones against words.
INTENT_WORDS: dict[str, list[tuple[str, int]]] = {
    "budget": [("예산", 3), ("사업비", 3), ("국비", 3), ("시비", 3), ("구비", 3),
               ("매칭", 3), ("자본금", 3), ("출자금", 3), ("보조금", 3), ("총사업비", 3),
               ("소요예산", 3), ("투자", 2), ("확보액", 3), ("집행액", 3), ("비용", 2),
               ("얼마", 2), ("억", 1), ("돈", 1), ("재원", 2), ("용역비", 3),
               ("budget", 3), ("cost", 3), ("funding", 3), ("money", 2), ("spend", 2),
               ("spending", 2), ("matching", 3)],
    "schedule": [("언제", 3), ("일정", 3), ("기간", 3), ("며칠", 3), ("날짜", 3),
                 ("몇월", 3), ("모집", 2), ("선발", 2), ("공고", 2), ("시작", 2), ("종료", 2),
                 ("끝나", 2), ("마감", 2), ("개최", 2), ("열어", 2), ("여는", 2), ("여나", 2),
                 ("부터", 1), ("스케줄", 3), ("계획", 1), ("얼마동안", 4), ("몇개월", 4),
                 ("몇달", 4), ("며칠동안", 4), ("얼마나걸", 4), ("얼마나자주", 4),
                 ("몇번씩", 4), ("1년에몇번", 4), ("일년에몇번", 4), ("한해몇번", 4),
                 ("연몇회", 4), ("한달에몇번", 4), ("매년몇번", 4), ("how often", 4),
                 ("when", 3), ("schedule", 3), ("period", 3),
                 ("deadline", 3), ("start", 2), ("timeline", 3)],
    "hours": [("운영시간", 4), ("영업시간", 4), ("몇시", 3), ("시간", 2), ("닫", 1),
              ("까지해", 2), ("hours", 3), ("open", 2), ("close", 2)],
    "eligibility": [("대상", 2), ("누가", 3), ("누구", 3), ("나이", 3), ("자격", 3),
                    ("몇살", 3), ("조건", 2), ("이용할수", 2), ("참여할수", 2), ("신청할수", 2),
                    ("who", 3), ("eligible", 3), ("eligibility", 3), ("age", 3)],
    "participants": [("인원", 3), ("몇명", 3), ("참여자", 2), ("참가자", 2), ("사람수", 2),
                     ("participants", 3), ("people", 2)],
    "results": [("실적", 2), ("몇번", 3), ("목표", 2), ("달성률", 3), ("달성", 2), ("성과", 2),
                ("취업자", 2), ("최근", 1), ("최신", 1), ("알선", 2), ("건수", 2),
                ("이용인원", 3), ("채용", 1), ("면접", 1), ("구직등록", 2), ("구인등록", 2),
                ("상담", 1), ("몇개", 2), ("규모", 2), ("면적", 2), ("정원", 2), ("현원", 2),
                ("시급", 3), ("월액", 3), ("생활임금액", 3), ("이용자", 2), ("합격", 2),
                ("취업률", 3), ("수료", 2), ("횟수", 2), ("몇회", 3), ("이수", 2),
                ("운영실적", 3), ("현황", 2), ("사업수", 2), ("개수", 2), ("몇곳", 2),
                ("results", 3), ("result", 3), ("target", 3), ("achievement", 3),
                ("rate", 2), ("latest", 1), ("performance", 3), ("how many", 2)],
    "place": [("어디", 2), ("장소", 3), ("위치", 3), ("주소", 3), ("소재지", 3), ("사업장", 2),
              ("where", 3), ("location", 3), ("address", 3)],
    "team": [("담당", 3), ("팀", 2), ("부서", 3), ("누구한테", 3), ("소관", 3),
             ("주관", 3), ("주최", 3), ("부처", 3), ("team", 3), ("charge", 2)],
    "contact": [("연락처", 4), ("전화", 4), ("번호", 1), ("휴대폰", 4), ("핸드폰", 4),
                ("이메일", 4), ("메일", 2), ("팩스", 4), ("담당자", 3), ("작성자", 3),
                ("성함", 3), ("이름", 1), ("문의", 2), ("누구야", 3), ("누구예요", 3),
                ("누구임", 3), ("누구였", 3), ("누군지", 3), ("contact", 3),
                ("phone", 4),
                ("email", 4)],
    "overview": [("뭐야", 2), ("무엇", 2), ("뭐하는", 3), ("내용", 2), ("소개", 3),
                 ("설명", 2), ("목적", 3), ("뭔데", 2), ("무슨", 2), ("어떤", 1),
                 ("what is", 2), ("about", 2),
                 ("purpose", 3), ("overview", 3)],
}
# Tie-break: the more specific reading first.
_PRIORITY = ("contact", "hours", "budget", "schedule", "place", "team", "participants", "results",
             "eligibility", "overview")

_SOURCES = {"국비": "national", "시비": "city", "구비": "district",
            "national": "national", "city": "city", "district": "district"}
_GROUPS = {"청년": "청년", "중장년": "중장년", "장년": "중장년", "노년": "노년", "노인": "노년",
           "어르신": "노년", "취약계층": "취약계층", "취약": "취약계층", "민간": "민간",
           "youth": "청년", "elderly": "노년", "senior": "노년", "middle-aged": "중장년",
           "vulnerable": "취약계층", "private": "민간"}
_STAGES = {"실적": "actual", "집행": "executed", "확보": "secured", "계획": "plan",
           "소요": "plan", "executed": "executed", "secured": "secured", "spent": "executed"}
_LATEST = ("최근", "최신", "지금", "현재", "latest", "recent", "current")
# A day of the week asked about ("일요일에도", "무슨 요일", "Saturday"): only a fact that
# names days can answer.
_DAY = re.compile(r"([월화수목금토일])요일|주말|평일|(?<![가-힣])요일|"
                  r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)")
_EN_DAY = {"monday": "월", "tuesday": "화", "wednesday": "수", "thursday": "목",
           "friday": "금", "saturday": "토", "sunday": "일", "weekend": "주말"}
# The first plan, not its later revision ("처음 계획에서는", "당초").
_EARLIER = re.compile(r"처음계획|당초|원래계획|예전계획|초기계획|애초|처음엔|처음에는|원래는|"
                      r"original plan|initially|originally")
# Which value of a metric is wanted.
_MEASURES = (("달성률", "rate"), ("달성율", "rate"), ("퍼센트", "rate"), ("몇퍼", "rate"),
             ("achievement", "rate"), ("rate", "rate"), ("목표", "target"), ("target", "target"),
             ("goal", "target"), ("실적", "actual"), ("결과", "actual"),
             ("actual", "actual"))
_ANNUAL = ("연간", "1년간", "일년간", "한해", "한해동안", "1년동안", "일년동안", "연도전체",
           "연전체", "한해전체", "그해", "annual", "full year", "whole year")
_MONTH = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\s*월")
# The whole of a figure, not one source or group of it.
_WHOLE = ("전체", "총액", "합계", "총합", "총계", "전부", "합치", "합하", "합쳐", "더하", "더한",
          "합산", "total", "overall", "combined", "altogether")
# Asked to add figures up ("소규모랑 합동 합치면"), not for a total the report states.
_ADD_UP = re.compile(r"합치|합쳐|합하|합한|더하|더한|합산|다합|combined|altogether|add up|sum of")
_COMPARE = ("보다", "대비", "비교", "차이", "증감", "늘었", "줄었", "늘어", "줄어", "증가",
            "감소", "변화", "달라", "얼마나더", "빼면", "남아", "남은", "compared", "difference",
            "increase",
            "decrease", "change", " vs", "than")
# Years said relative to today: (word, offset). Longer words first (재작년 before 작년).
_RELATIVE = (("재작년", -2), ("재재작년", -3), ("작년", -1), ("지난해", -1), ("지난 해", -1),
             ("올해", 0), ("금년", 0), ("이번해", 0), ("이번 해", 0), ("내년", 1),
             ("다음해", 1), ("다음 해", 1), ("last year", -1), ("this year", 0),
             ("next year", 1), ("다음 달", 0), ("다음달", 0), ("이번 달", 0), ("이번달", 0),
             ("지난달", 0), ("지난 달", 0), ("다음 주", 0), ("다음주", 0), ("이번 주", 0),
             ("이번주", 0), ("지난주", 0), ("next month", 0), ("this month", 0),
             ("next week", 0), ("this week", 0))
# "전년", "전년도": the year before the one said ("2020년 3분기, 전년 3분기보다").
_YEAR_BEFORE = re.compile(r"전년도?|전해|previous year|year before")
# "몇 명", "몇 대", "몇 살": the unit of the count asked for, folded to a few classes.
_COUNT = re.compile(r"몇\s*(명|개소|개|곳|군데|건|회|번|차|대|살|세|시)")
_COUNT_CLASS = {"명": "명", "개": "개", "개소": "개", "곳": "개", "군데": "개", "건": "개",
                "회": "회", "번": "회", "차": "회", "대": "대", "살": "세", "세": "세",
                "시": "시"}
_YEARS_AGO = re.compile(r"(?<!\d)(\d{1,2})\s*년\s*전(?!체)|(\d{1,2}) years? ago")

# "20년" is 2020, but "20년 넘은", "20년 이상", "10년간" are durations.
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:\s*년도?)?(?!\d)|'(\d{2})(?!\d)|"
                   r"(?<!\d)(\d{2})\s*년(?!\d|\s*(?:넘|이상|이하|미만|초과|된|간|동안|째|차|전|이내))|"
                   + BARE_YEAR)
_HALF = re.compile(r"(상반기|하반기|first half|second half|h1|h2)")
_QUARTER = re.compile(
    r"(?<!\d)([1-4])\s*(?:분기|사분기)|\bq([1-4])\b|([1-4])(?:st|nd|rd|th) quarter")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalised
    compact: str  # normalised, no spaces
    lang: str  # "ko" or "en"
    year: int | None = None
    years: tuple[int, ...] = ()
    half: int | None = None
    quarter: int | None = None
    source: str | None = None  # national | city | district
    sources: tuple[str, ...] = ()  # every funding source named ("시비랑 구비 각각")
    month: int | None = None  # a month named ("10월 재심의"), for dated steps
    group: str | None = None
    stage: str | None = None  # budget stage asked for
    latest: bool = False
    earlier: bool = False  # the earlier report's figure is asked ("당초 계획")
    day: str | None = None  # a day of the week asked: "토", "주말", "요일" (any)
    intent: str | None = None
    intent_scores: dict[str, int] = field(default_factory=dict)
    measure: str | None = None  # target | actual | rate
    annual: bool = False  # the whole year, not a quarter or half
    compare: bool = False  # a change between two periods is asked
    relative: bool = False  # the year was said relative to today (작년, 올해)
    whole: bool = False  # the total is asked, not a funding source's or a group's part
    add_up: bool = False  # "합치면": figures the question names are to be added up
    stages: tuple[str, ...] = ()  # two budget stages to compare, in the order said
    count: str | None = None  # what a "몇 …" question counts in: 명, 개, 회, 대, 세, 시
    said_years: tuple[int, ...] = ()  # the years this question itself says (not inherited)
    report: str | None = None  # the report the question names ("공약카드", "2020년 업무보고")

    @property
    def has_slots(self) -> bool:
        return any(v is not None for v in (self.year, self.half, self.quarter, self.source,
                                            self.group, self.stage, self.measure)) \
            or self.latest or self.annual or self.whole

    def inherit(self, previous: Query) -> Query:
        """A follow-up ("그럼 2020년은?", "시비는?") keeps what it does not say anew."""
        values = {}
        for name in ("year", "half", "quarter", "source", "group", "stage", "measure",
                     "report"):
            if getattr(self, name) is None and getattr(previous, name) is not None:
                values[name] = getattr(previous, name)
        if self.whole:
            values.pop("source", None)
            values.pop("group", None)
        if self.intent is not None and self.intent != previous.intent:
            for name in ("source", "stage", "measure"):  # belong to the previous kind
                values.pop(name, None)
        if (self.year is not None and self.half is None and self.quarter is None) \
                or self.annual:
            values.pop("half", None)
            values.pop("quarter", None)
        if self.half is not None:
            values.pop("quarter", None)
        if self.quarter is not None:
            values.pop("half", None)
        if self.intent is None:
            values["intent"] = previous.intent
            values["intent_scores"] = previous.intent_scores
        if values.get("year") is not None and not self.years:
            values["years"] = previous.years
            values["relative"] = previous.relative
        return replace(self, **values)


def _years(text: str) -> list[int]:
    years = []
    for full, short_quote, short_nyeon, bare in _YEAR.findall(text):
        if full:
            years.append(int(full))
        elif short_quote or short_nyeon or bare:
            years.append(2000 + int(short_quote or short_nyeon or bare))
    return years


# Words that contain an intent keyword but do not mean it ("기간제" is not "기간").
_NOT_KEYWORDS = ("기간제", "인력시장")


def detect_intent(text: str, compact: str) -> tuple[str | None, dict[str, int]]:
    scores: dict[str, int] = {}
    for word in _NOT_KEYWORDS:
        compact = compact.replace(word, " ")
    words = set(text.split())
    for intent, keywords in INTENT_WORDS.items():
        total = 0
        for word, weight in keywords:
            if word.isascii():
                hit = word in words if " " not in word else word in text
            else:
                hit = word in compact
            if hit:
                total += weight
        if total:
            scores[intent] = total
    if not scores:
        return None, scores
    best = max(scores.values())
    for intent in _PRIORITY:
        if scores.get(intent) == best:
            return intent, scores
    return None, scores


def strip_intent_words(compact: str, intent: str) -> str:
    """The question without the words that only say what kind of answer is wanted, so
    that they do not decide which fact is meant ("참가 대상" is not about a "대상" text)."""
    for word, _ in sorted(INTENT_WORDS.get(intent, ()), key=lambda w: -len(w[0])):
        if not word.isascii():
            compact = compact.replace(word, "")
    return compact


# English words of questions and the Korean words the reports use for them, so that an
# English question can find a Korean fact by its words (the report's own vocabulary,
# not any program's name).
_GLOSSARY = (
    ("total project cost", "총사업비"), ("project cost", "사업비"), ("budget", "예산"),
    ("cost", "사업비 비용"), ("hourly", "시급"), ("monthly", "월액"), ("wage", "임금"),
    ("participant", "참여자 참여인원"), ("took part", "참여인원"), ("people", "인원"),
    ("job seeker", "구직자"), ("registered", "등록"), ("placed", "알선 취업자"),
    ("placement", "알선"), ("employed", "취업자"), ("hired", "채용"), ("recruit", "채용 모집"),
    ("target", "목표"), ("goal", "목표"), ("result", "실적"), ("achievement", "달성률"),
    ("decided", "결정"), ("decision", "결정"), ("fair", "박람회"), ("shelter", "쉼터"),
    ("agenc", "사무소"), ("office", "사무소"), ("staff", "인력 직원"), ("worker", "근로자"),
    ("team", "팀"), ("department", "과 부서"), ("where", "위치 장소"), ("address", "주소"),
    ("eligib", "대상 자격"), ("who can", "대상"), ("age", "나이 세"), ("revenue", "매출"),
    ("sales", "매출"), ("cumulative", "누적"), ("annual", "연간"), ("company", "기업"),
    ("companies", "기업 참여기업"), ("interview", "면접"), ("counsel", "상담"),
    ("training", "교육"), ("education", "교육"), ("youth", "청년"), ("elderly", "노인 어르신"),
    ("national", "국비"), ("city fund", "시비"), ("district fund", "구비"),
    ("committee", "위원회"), ("agreement", "협약"), ("launch", "출범 개시"),
    ("founded", "설립"), ("capital", "자본금"),
    ("employment rate", "취업률"), ("rate", "률 비율"), ("creat", "창출"), ("jobs", "일자리"),
    ("labor market", "인력시장"), ("labour market", "인력시장"), ("central government", "중앙정부"),
    ("cooperat", "협업 협력"), ("partner", "협업 협력 협약"), ("school", "학교 고등학교"),
    ("student", "학생"), ("how often", "주기 회"), ("venue", "장소"), ("content", "내용"),
    ("pledge", "공약"), ("figure", "실적"), ("early-morning", "새벽"), ("early morning", "새벽"),
    ("dawn", "새벽"), ("laborer", "근로자 일용직"), ("rest", "쉼터"), ("counsel", "상담"),
    ("desk", "창구"), ("visitor", "방문자"), ("meet", "개최 운영"), ("committee", "위원회"),
    ("unemploy", "실업자"), ("vulnerable", "취약계층"),
)
# Things people ask in English that the reports may not state: when no report uses the
# Korean word at all, the question is refused by name.
_THINGS = (("revenue", "매출"), ("sales", "매출"), ("price", "가격"), ("fee", "참가비 수강료"),
           ("salary", "급여 월급"), ("name of", "이름"), ("'s name", "이름"), ("ceo", "이름"),
           ("phone number", "전화번호"), ("email", "이메일"), ("parking", "주차"),
           ("wifi", "와이파이"))


def slot_words() -> list[str]:
    """The words that fill a question's slots and measures (청년, 국비, 집행, 합계, 대비…)."""
    words = [*_SOURCES, *_GROUPS, *_STAGES, *_LATEST, *_ANNUAL, *_WHOLE, *_COMPARE,
             *(w for w, _ in _MEASURES), *(w for w, _ in _RELATIVE)]
    return [w for w in words if not w.isascii()] + ["비중", "비율", "퍼센트"]


def glossary_words() -> list[str]:
    """The Korean words of the glossary: words the engine knows a question may use."""
    return [w for _, korean in _GLOSSARY for w in korean.split()] + \
        [w for word, _ in _SYNONYMS for w in word.split()]


def glossed_things(text: str) -> list[tuple[str, str]]:
    """(English word, its Korean words) for the things an English question names."""
    return [(english, korean) for english, korean in _THINGS if english in text]


# Everyday words for what the reports call otherwise ("겨울" for 혹한기).
_SYNONYMS = (("겨울", "혹한기"), ("여름", "혹서기"), ("분담액", "부담액 부담분"), ("분담", "부담"),
             ("가게", "사업장 매장"), ("매장", "사업장"), ("지산", "지식산업센터"),
             ("사무실", "소재지 사무소"), ("월급", "급여 임금"), ("난방", "온풍기"),
             ("냉방", "에어컨"), ("하루", "일평균"), ("시작", "개시 착수"))


def glossed(text: str) -> str:
    """Korean words for the English ones of a question, and the reports' words for
    everyday ones."""
    found = [korean for english, korean in _GLOSSARY if english in text]
    found += [report for word, report in _SYNONYMS if word in text]
    return " ".join(found)


def _relative_years(text: str, today: date) -> list[int]:
    years = []
    for word, offset in _RELATIVE:
        if word in text:
            years.append(today.year + offset)
            text = text.replace(word, " ")
    for m in _YEARS_AGO.finditer(text):
        years.append(today.year - int(m.group(1) or m.group(2)))
    return years


def _day(text: str) -> str | None:
    m = _DAY.search(text)
    if not m:
        return None
    if m.group(1):
        return m.group(1)
    if m.group(2):
        return _EN_DAY[m.group(2)]
    return m.group(0)


def parse(raw: str, today: date | None = None) -> Query:
    text = normalize(raw)
    compact = text.replace(" ", "")
    years = _years(_YEARS_AGO.sub(" ", text))
    relative = _relative_years(text, today or date.today())
    if relative:
        years = [*years, *relative] if years else relative
    if len(set(years)) == 1 and _YEAR_BEFORE.search(text):
        years = [*years, years[0] - 1]
    half = None
    if m := _HALF.search(text):
        half = 1 if m.group(1) in ("상반기", "first half", "h1") else 2
    quarter = None
    if m := _QUARTER.search(text):
        quarter = int(next(g for g in m.groups() if g))
    sources = tuple(dict.fromkeys(v for k, v in _SOURCES.items() if (
        k in compact if not k.isascii() else k in text.split())))
    source = sources[0] if sources else None
    group = next((v for k, v in _GROUPS.items() if (k in compact if not k.isascii()
                                                    else k in text.split())), None)
    stage = next((v for k, v in _STAGES.items() if (k in compact if not k.isascii()
                                                    else k in text.split())), None)
    latest = any(word in compact for word in _LATEST)
    intent, scores = detect_intent(text, compact)
    measure = next((v for k, v in _MEASURES if (k in compact if not k.isascii()
                                                  else k in text.split())), None)
    if intent == "budget" and stage is not None:
        measure = None  # "예산 실적": the budget's 실적 stage, not a metric's result
    annual = any(w in compact if not w.isascii() else w in text for w in _ANNUAL)
    whole = any(w in compact if not w.isascii() else w in text.split() for w in _WHOLE)
    # Budget stages in the order said ("확보액에서 집행액 빼면": secured, then executed).
    said = sorted((compact.find(k), v) for k, v in _STAGES.items()
                  if not k.isascii() and k in compact)
    stages = tuple(dict.fromkeys(v for _, v in said))
    asks_change = any(w in compact if not w.isascii() else w in f" {text} " for w in _COMPARE)
    compare = asks_change and (len(set(years)) > 1 or len(stages) > 1)
    lang = "en" if compact and hangul_ratio(compact) < 0.5 else "ko"
    return Query(raw=raw, text=text, compact=compact, lang=lang,
                 year=years[0] if years else None, years=tuple(dict.fromkeys(years)),
                 half=half, quarter=quarter, source=source, sources=sources,
                 month=int(m.group(1)) if (m := _MONTH.search(text)) else None,
                 group=group, stage=stage,
                 latest=latest, intent=intent, intent_scores=scores, measure=measure,
                 annual=annual, compare=compare, relative=bool(relative), whole=whole,
                 add_up=bool(_ADD_UP.search(compact)),
                 earlier=bool(_EARLIER.search(compact) or _EARLIER.search(text)),
                 day=_day(text),
                 stages=stages if compare else (),
                 count=_COUNT_CLASS[m.group(1)] if (m := _COUNT.search(text)) else None,
                 said_years=tuple(dict.fromkeys(years)))
