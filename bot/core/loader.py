"""Read and validate the human-edited knowledge files (reports.toml, programs/*.toml).

`load(path)` returns the knowledge base and every problem found; a knowledge base with
problems must not be served. Each problem names the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .model import (
    BUDGET_STAGES,
    FACT_TYPES,
    GROUPS,
    INFO_FIELDS,
    PROGRAM_KINDS,
    Fact,
    KnowledgeBase,
    Problem,
    Program,
    Report,
)
from .places import Places
from .places import from_data as places_from_data
from .provenance import missing_figures, squash
from .text import alias_key

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

_PROGRAM_KEYS = {"id", "name", "short", "kind", "department", "part_of", "parts", "aliases",
                 "fact"}
_COMMON_KEYS = {"type", "report", "quote", "subject", "note"}
_TYPE_KEYS = {
    "budget": {"year", "stage", "unit", "total", "national", "city", "district", "ratio",
               "label"},
    "metric": {"name", "unit", "year", "half", "quarter", "as_of", "value", "target", "actual",
               "rate", "stage", "group", "label"},
    "milestone": {"start", "end", "ongoing", "what", "stage"},
    "info": {"field", "text"},
}
_REQUIRED = {
    "budget": ("stage", "unit", "total"),
    "metric": ("name", "unit"),
    "milestone": ("start", "what"),
    "info": ("field", "text"),
}
_NUMBER_KEYS = {"total", "national", "city", "district", "value", "target", "actual", "rate"}
_INT_KEYS = {"year", "half", "quarter"}
_TEXT_KEYS = {"subject", "note", "ratio", "label", "name", "unit", "what", "text", "field",
              "stage", "group", "start", "end", "as_of"}
_BUDGET_UNITS = ("천원", "백만원", "원")
_METRIC_STAGES = ("plan", "result")
_MILESTONE_STAGES = ("plan", "done")


class _Lines:
    """Maps a key path of a parsed TOML file back to a line number of its text."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.fact_starts = [i for i, line in enumerate(self.lines)
                            if line.strip().startswith("[[fact]]")]

    def _find(self, key: str, start: int, stop: int) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, min(stop, len(self.lines))):
            if pattern.match(self.lines[i]):
                return i + 1
        return 0

    def top(self, key: str) -> int:
        stop = self.fact_starts[0] if self.fact_starts else len(self.lines)
        return self._find(key, 0, stop)

    def fact(self, index: int, key: str | None = None) -> int:
        if index >= len(self.fact_starts):
            return 0
        start = self.fact_starts[index]
        if key is None:
            return start + 1
        stop = (self.fact_starts[index + 1] if index + 1 < len(self.fact_starts)
                else len(self.lines))
        return self._find(key, start, stop) or start + 1


def _toml_error_line(error: tomllib.TOMLDecodeError, text: str) -> int:
    match = re.search(r"line (\d+)", str(error))
    if match:
        return int(match.group(1))
    return max(1, len(text.splitlines())) if "end of document" in str(error) else 0


def _read_toml(path: Path, rel: str, problems: list[Problem]) -> tuple[dict | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(rel, 0, "", "UTF-8 텍스트 파일이 아닙니다"))
        return None, ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(rel, _toml_error_line(error, text), "",
                                f"TOML 문법 오류: {error}"))
        return None, text


def _load_places(root: Path, problems: list[Problem]) -> Places:
    """places.toml is optional: without it no other place is recognised."""
    rel = "places.toml"
    path = root / rel
    if not path.exists():
        return Places()
    data, text = _read_toml(path, rel, problems)
    if data is None:
        return Places()
    lines = text.splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if line.strip().startswith("[[region]]")]
    unknown = set(data) - {"home", "home_region", "ambiguous", "region", "wider"}
    if unknown:
        problems.append(Problem(rel, 0, "", f"알 수 없는 키: {', '.join(sorted(unknown))}"))
    for key in ("home", "ambiguous", "wider"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(rel, 0, key, "문자열 목록이어야 합니다"))
            return Places()
    for n, region in enumerate(data.get("region", [])):
        line = headers[n] if n < len(headers) else 0
        govs = region.get("governments", []) if isinstance(region, dict) else None
        if not isinstance(region, dict) or not isinstance(region.get("name"), str) or \
                not isinstance(govs, list) or not all(isinstance(g, str) for g in govs):
            problems.append(Problem(rel, line, f"region[{n}]",
                                    "name(문자열)과 governments(문자열 목록)가 필요합니다"))
            return Places()
    return places_from_data(data)


def _load_reports(root: Path, problems: list[Problem]) -> dict[str, Report]:
    rel = "reports.toml"
    path = root / rel
    if not path.exists():
        problems.append(Problem(rel, 0, "", f"파일이 없습니다: {path.absolute()}"))
        return {}
    data, text = _read_toml(path, rel, problems)
    if data is None:
        return {}
    lines = text.splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if line.strip().startswith("[[report]]")]
    reports: dict[str, Report] = {}
    for n, entry in enumerate(data.get("report", [])):
        line = headers[n] if n < len(headers) else 0
        where = f"report[{n}]"
        missing = [k for k in ("id", "file", "title", "date", "headline_year") if k not in entry]
        if missing:
            problems.append(Problem(rel, line, where, f"필수 키 없음: {', '.join(missing)}"))
            continue
        unknown = set(entry) - {"id", "file", "title", "short", "date", "headline_year",
                                "aliases"}
        if unknown:
            keys = ", ".join(sorted(unknown))
            problems.append(Problem(rel, line, where, f"알 수 없는 키: {keys}"))
        source = root / entry["file"]
        if not source.is_file():
            problems.append(Problem(rel, line, f"{where}.file",
                                    f"보고서 파일이 없습니다: {source.absolute()}"))
            continue
        if entry["id"] in reports:
            problems.append(Problem(rel, line, f"{where}.id", f"중복된 보고서 id: {entry['id']}"))
            continue
        reports[entry["id"]] = Report(
            id=entry["id"], file=entry["file"], title=entry["title"],
            short=entry.get("short", entry["title"]), date=str(entry["date"]),
            headline_year=int(entry["headline_year"]),
            text=source.read_text(encoding="utf-8"),
            aliases=tuple(str(a) for a in entry.get("aliases", ())),
        )
    return reports


def _check_fact(raw: dict[str, Any], n: int, rel: str, lines: _Lines,
                reports: dict[str, Report], squashed: dict[str, str],
                problems: list[Problem]) -> Fact | None:
    where = f"fact[{n}]"
    before = len(problems)

    def problem(key: str | None, message: str) -> None:
        path = f"{where}.{key}" if key else where
        problems.append(Problem(rel, lines.fact(n, key), path, message))

    kind = raw.get("type")
    if kind not in FACT_TYPES:
        problem("type", f"type은 {', '.join(FACT_TYPES)} 중 하나여야 합니다 (지금: {kind!r})")
        return None
    for key in sorted(set(raw) - _COMMON_KEYS - _TYPE_KEYS[kind]):
        problem(key, f"{kind} 사실에 알 수 없는 키입니다")
    for key in ("report", "quote", *_REQUIRED[kind]):
        if key not in raw:
            problem(None, f"필수 키 없음: {key}")
    for key, value in raw.items():
        if key in _NUMBER_KEYS and (isinstance(value, bool)
                                    or not isinstance(value, int | float)):
            problem(key, f"숫자여야 합니다 (지금: {value!r})")
        elif key in _INT_KEYS and (isinstance(value, bool) or not isinstance(value, int)):
            problem(key, f"정수여야 합니다 (지금: {value!r})")
        elif key in _TEXT_KEYS and not isinstance(value, str):
            problem(key, f"문자열이어야 합니다 (지금: {value!r})")
    if len(problems) > before:
        return None

    report = raw["report"]
    if report not in reports:
        problem("report", f"알 수 없는 보고서 id: {report!r} (reports.toml에 없음)")
    quotes = raw["quote"]
    if isinstance(quotes, str):
        quotes = [quotes]
    if not isinstance(quotes, list) or not quotes or not all(
            isinstance(q, str) and q.strip() for q in quotes):
        problem("quote", "인용은 비어 있지 않은 문자열 또는 문자열 목록이어야 합니다")
        return None
    if report in reports:
        for quote in quotes:
            if squash(quote) not in squashed[report]:
                problem("quote", f"보고서 {report}에 없는 인용입니다: {quote[:60]!r}")

    data = {k: v for k, v in raw.items() if k not in _COMMON_KEYS or k in ("subject", "note")}
    _check_type_rules(kind, data, problem)
    for key, figure in missing_figures(data, quotes):
        problem(key, f"수치 {figure}이(가) 인용문에 없습니다")
    if len(problems) > before:
        return None
    return Fact(program_id="", index=n, type=kind, report=report, quotes=tuple(quotes),
                data=data, line=lines.fact(n))


def _check_type_rules(kind: str, data: dict[str, Any], problem) -> None:
    stage = data.get("stage")
    if kind == "budget":
        if stage not in BUDGET_STAGES:
            problem("stage", f"stage는 {', '.join(BUDGET_STAGES)} 중 하나여야 합니다")
        if data.get("unit") not in _BUDGET_UNITS:
            problem("unit", f"unit은 {', '.join(_BUDGET_UNITS)} 중 하나여야 합니다")
        if "year" not in data and "label" not in data:
            problem(None, "year 또는 label 중 하나는 있어야 합니다")
    elif kind == "metric":
        if not any(k in data for k in ("value", "target", "actual", "rate")):
            problem(None, "value, target, actual, rate 중 하나는 있어야 합니다")
        if "value" in data and stage not in _METRIC_STAGES:
            problem("stage", "value가 있으면 stage는 plan 또는 result여야 합니다")
        if stage is not None and stage not in _METRIC_STAGES:
            problem("stage", "stage는 plan 또는 result여야 합니다")
        if data.get("half") not in (None, 1, 2):
            problem("half", "half는 1(상반기) 또는 2(하반기)입니다")
        if data.get("quarter") not in (None, 1, 2, 3, 4):
            problem("quarter", "quarter는 1~4입니다")
        if data.get("group") not in (None, *GROUPS):
            problem("group", f"group은 {', '.join(GROUPS)} 중 하나여야 합니다")
        if "as_of" in data and not _DATE.match(data["as_of"]):
            problem("as_of", "날짜는 YYYY, YYYY-MM 또는 YYYY-MM-DD 형식입니다")
    elif kind == "milestone":
        for key in ("start", "end"):
            if key in data and not _DATE.match(data[key]):
                problem(key, "날짜는 YYYY, YYYY-MM 또는 YYYY-MM-DD 형식입니다")
        if "end" in data and _DATE.match(data.get("end", "")) and _DATE.match(
                data.get("start", "")) and data["end"] < data["start"]:
            problem("end", "끝이 시작보다 앞섭니다")
        if stage not in (None, *_MILESTONE_STAGES):
            problem("stage", "stage는 plan 또는 done입니다")
        if "ongoing" in data and not isinstance(data["ongoing"], bool):
            problem("ongoing", "true 또는 false여야 합니다")
    elif kind == "info":
        if data.get("field") not in INFO_FIELDS:
            problem("field", f"field는 {', '.join(INFO_FIELDS)} 중 하나여야 합니다")


def _load_program(path: Path, root: Path, reports: dict[str, Report],
                  squashed: dict[str, str], declared: dict[str, str],
                  problems: list[Problem]) -> Program | None:
    rel = path.relative_to(root).as_posix()
    data, text = _read_toml(path, rel, problems)
    if data is None:
        return None
    lines = _Lines(text)
    before = len(problems)

    def problem(key: str, message: str) -> None:
        problems.append(Problem(rel, lines.top(key), key, message))

    for key in sorted(set(data) - _PROGRAM_KEYS):
        problem(key, "알 수 없는 키입니다")
    for key in ("id", "name", "short", "kind", "department", "aliases"):
        if key not in data:
            problems.append(Problem(rel, 1, key, f"필수 키 없음: {key}"))
    if len(problems) > before:
        return None
    pid = data["id"]
    if isinstance(pid, str) and declared.setdefault(pid, rel) != rel:
        problem("id", f"중복된 id: {pid} ({declared[pid]}에도 있음)")
    if not isinstance(pid, str) or not _ID.match(pid):
        problem("id", "id는 영문 소문자, 숫자, '-'만 씁니다")
    elif pid != path.stem:
        problem("id", f"id({pid})가 파일 이름({path.stem})과 다릅니다")
    if data["kind"] not in PROGRAM_KINDS:
        problem("kind", f"kind는 {', '.join(PROGRAM_KINDS)} 중 하나여야 합니다")
    aliases = data["aliases"]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip()
                                                 for a in aliases):
        problem("aliases", "aliases는 비어 있지 않은 문자열 목록입니다")
        aliases = []
    seen: set[str] = set()
    for alias in aliases:
        key = alias_key(alias)
        if key in seen:
            problem("aliases", f"같은 별칭이 두 번 있습니다: {alias!r}")
        seen.add(key)
    for key in ("name", "short", "department"):
        if not isinstance(data[key], str) or not data[key].strip():
            problem(key, "비어 있지 않은 문자열이어야 합니다")
    parts = data.get("parts", [])
    if not isinstance(parts, list):
        problem("parts", "parts는 id 목록입니다")
        parts = []
    facts = []
    raw_facts = data.get("fact", [])
    if not isinstance(raw_facts, list):
        problem("fact", "[[fact]] 표의 배열이어야 합니다")
        raw_facts = []
    for n, raw in enumerate(raw_facts):
        fact = _check_fact(raw, n, rel, lines, reports, squashed, problems)
        if fact is not None:
            facts.append(Fact(program_id=pid, index=fact.index, type=fact.type,
                              report=fact.report, quotes=fact.quotes, data=fact.data,
                              line=fact.line))
    if len(problems) > before:
        return None
    return Program(
        id=pid, name=data["name"], short=data["short"], kind=data["kind"],
        department=data["department"], aliases=tuple(aliases), facts=tuple(facts),
        part_of=data.get("part_of"), parts=tuple(parts), path=rel,
    )


def _check_links(programs: dict[str, Program], problems: list[Problem]) -> None:
    owners: dict[str, str] = {}
    for program in programs.values():
        names = {alias_key(a) for a in program.aliases} | {alias_key(program.short)}
        for key in sorted(names):
            other = owners.setdefault(key, program.id)
            if other != program.id:
                problems.append(Problem(program.path, 0, "aliases",
                                        f"별칭 {key!r}을(를) {other}도 쓰고 있습니다"))
        for part in program.parts:
            if part not in programs:
                problems.append(Problem(program.path, 0, "parts", f"없는 사업 id: {part}"))
        if program.part_of and program.part_of not in programs:
            problems.append(Problem(program.path, 0, "part_of",
                                    f"없는 사업 id: {program.part_of}"))


def load(root: str | Path) -> tuple[KnowledgeBase, list[Problem]]:
    """Load the knowledge directory. The knowledge base is only usable if problems is empty."""
    root = Path(root).expanduser()
    if not root.is_dir():
        return KnowledgeBase(reports={}, programs={}), [
            Problem(str(root.absolute()), 0, "", "지식베이스 폴더가 없습니다")]
    problems: list[Problem] = []
    reports = _load_reports(root, problems)
    squashed = {rid: squash(r.text) for rid, r in reports.items()}
    programs: dict[str, Program] = {}
    declared: dict[str, str] = {}
    program_dir = root / "programs"
    if not program_dir.is_dir():
        problems.append(Problem("programs/", 0, "",
                                f"사업 폴더가 없습니다: {program_dir.absolute()}"))
    for path in sorted(program_dir.glob("*.toml")) if program_dir.is_dir() else []:
        program = _load_program(path, root, reports, squashed, declared, problems)
        if program is not None:
            programs[program.id] = program
    _check_links(programs, problems)
    places = _load_places(root, problems)
    return KnowledgeBase(reports=reports, programs=programs, places=places), problems
