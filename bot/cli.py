"""The `jobbot` command line. Imports stay inside the commands so that `jobbot ask`
starts fast and never loads slack_bolt."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _kb_validate(args: argparse.Namespace) -> int:
    from bot import settings
    from bot.core.loader import load

    root = Path(args.knowledge or settings.knowledge_dir())
    kb, problems = load(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"오류 {len(problems)}건: 지식베이스를 쓸 수 없습니다 ({root})", file=sys.stderr)
        return 1
    print(f"OK: 사업 {len(kb.programs)}개, 사실 {len(kb.facts)}건, 보고서 {len(kb.reports)}건")
    return 0


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    from bot import settings
    from bot.core.build import DB_NAME

    root = Path(args.knowledge or settings.knowledge_dir())
    return root, settings.data_dir() / DB_NAME


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"오류 {len(problems)}건: 지식베이스를 쓸 수 없습니다", file=sys.stderr)


def _kb_build(args: argparse.Namespace) -> int:
    from bot.core.build import InvalidKnowledge, build

    root, db_path = _paths(args)
    try:
        kb = build(root, db_path)
    except InvalidKnowledge as error:
        _print_problems(error.problems)
        return 1
    print(f"빌드 완료: {db_path} (사업 {len(kb.programs)}개, 사실 {len(kb.facts)}건)")
    return 0


def _kb_stats(args: argparse.Namespace) -> int:
    from bot.core.build import InvalidKnowledge, ensure_built

    root, db_path = _paths(args)
    try:
        kb = ensure_built(root, db_path)
    except InvalidKnowledge as error:
        _print_problems(error.problems)
        return 1
    order = kb.report_order()
    header = ["id", "사업명", "부서", *order, "계"]
    rows = []
    for program in kb.programs.values():
        counts = [sum(1 for f in program.facts if f.report == r) for r in order]
        rows.append([program.id, program.short, program.department, *map(str, counts),
                     str(sum(counts))])
    totals = [sum(int(r[3 + i]) for r in rows) for i in range(len(order))]
    rows.append(["합계", f"{len(rows)}개 사업", "", *map(str, totals), str(sum(totals))])
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(_pad(str(cell), w) for cell, w in zip(row, widths, strict=True)))
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobbot", description="금천구 일자리창출과 JobBot")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="지식베이스 검사·빌드·통계")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    validate = kb_sub.add_parser("validate", help="지식베이스 파일 검사")
    validate.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    validate.set_defaults(func=_kb_validate)
    for name, func, text in (("build", _kb_build, "SQLite 데이터베이스로 컴파일"),
                             ("stats", _kb_stats, "사업별·보고서별 사실 수")):
        command = kb_sub.add_parser(name, help=text)
        command.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
        command.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)
