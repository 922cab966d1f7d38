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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobbot", description="금천구 일자리창출과 JobBot")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="지식베이스 검사·빌드·통계")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    validate = kb_sub.add_parser("validate", help="지식베이스 파일 검사")
    validate.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    validate.set_defaults(func=_kb_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)
