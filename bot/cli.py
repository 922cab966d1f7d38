"""The `jobbot` command line. Imports stay inside the commands so that `jobbot ask`
starts fast and never loads slack_bolt."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace


def _engine(args: argparse.Namespace):
    """The engine on the compiled knowledge base, or None after printing why not."""
    from bot import settings
    from bot.core.store import KnowledgeStore
    from bot.kb_cli import knowledge_root

    root = knowledge_root(args)
    if root is None:
        return None
    store = KnowledgeStore(root, settings.data_dir(), settings.knowledge_db(root))
    try:
        result = store.load()
    except OSError as error:  # DATA_DIR missing, read-only or full
        print(f"데이터베이스를 쓸 수 없습니다: {store.db_path} ({error.strerror or error})",
              file=sys.stderr)
        return None
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        if result.engine is None:
            print("지식베이스 검사에 실패했고, 이전에 빌드한 데이터베이스도 없습니다.",
                  file=sys.stderr)
            return None
        print("경고: 지식베이스 파일에 오류가 있어 이전에 빌드한 데이터베이스로 답합니다.",
              file=sys.stderr)
    return result.engine


def _render(answer, as_json: bool) -> str:
    import json

    if as_json:
        return json.dumps(answer.to_dict(), ensure_ascii=False)
    return answer.text


def _answer(engine, question: str, context=None):
    """The engine's answer, or an error answer: one question's failure is said in Korean
    (and named on stderr), never a traceback, and the next question still gets its turn."""
    from bot.core.answer import Answer
    from bot.messages import SLACK_KO

    try:
        return engine.answer(question, context=context)
    except Exception as error:  # noqa: BLE001 - the bot must answer every question
        print(f"jobbot: {type(error).__name__}: {error}", file=sys.stderr)
        return Answer("no_match", SLACK_KO["error"])


def _ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if engine is None:
        return 1
    if args.question == ["-"]:
        # One question per line, one answer per line, each on its own (no context).
        for line in sys.stdin.buffer:
            question = line.decode("utf-8", errors="replace").rstrip("\r\n")
            print(_render(_answer(engine, question), args.json), flush=True)
        return 0
    question = " ".join(args.question)
    answer = _answer(engine, question)
    if args.verbose and answer.detail and not args.json:
        answer = replace(answer, text=answer.detail)
    print(_render(answer, args.json))
    return 0


def _chat(args: argparse.Namespace) -> int:
    from bot.messages import KO

    engine = _engine(args)
    if engine is None:
        return 1
    interactive = sys.stdin.isatty()
    if interactive:
        print(KO["chat_intro"])
    context = None
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            print()
            break
        if line.strip() in ("종료", "quit", "exit", "/quit"):
            break
        if not line.strip():
            continue
        answer = _answer(engine, line, context)
        context = answer.context or context
        print(answer.text if not args.json else _render(answer, True))
        if interactive:
            print()
    return 0


def _digest(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    from bot.core.digest import DEPARTMENTS, compose, render_text, teams

    engine = _engine(args)
    if engine is None:
        return 1
    scope = args.team or DEPARTMENTS[0]
    known = [*teams(engine.kb), *DEPARTMENTS]
    if scope not in known:
        print(f"알 수 없는 팀입니다: {scope}. 가능한 값: {', '.join(known)}", file=sys.stderr)
        return 2
    try:
        day = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        print(f"날짜 형식이 잘못되었습니다: {args.as_of} (예: 2021-05-03)", file=sys.stderr)
        return 2
    if args.post:
        return _digest_post(engine, args.team, day if args.as_of else None)
    digest = compose(engine, scope, day)
    if args.json:
        print(json.dumps(digest.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(digest))
    return 0


def _digest_post(engine, team: str | None, day) -> int:
    """`jobbot digest --post`: each team's digest (or `team`'s) to its DIGEST_CHANNELS
    channel, once per week and channel whoever else posts it (bot.digest_posting). `day`
    None: today in DIGEST_TIMEZONE. Exit 1 if a post failed, 2 on wrong settings."""
    from bot import digest_config, settings
    from bot import digest_posting as posting
    from bot.messages import DIGEST
    from bot.records import DB_NAME, Records

    token = settings.get("SLACK_BOT_TOKEN")
    try:
        config = digest_config.load()
        config.check_scopes(engine.kb)
    except digest_config.ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    problem = None
    if not token:
        problem = DIGEST["cli_no_token"]
    elif team and team not in config.channels:
        problem = DIGEST["cli_no_channel"].format(scope=team)
    elif not config.channels:
        problem = DIGEST["cli_no_channels"]
    if problem:
        print(problem, file=sys.stderr)
        return 2
    channels = {team: config.channels[team]} if team else dict(config.channels)
    records = Records(settings.data_dir() / DB_NAME)
    try:
        poster = posting.DigestPoster(records, posting.posting_client(
            token, settings.get("SLACK_API_URL")))
        outcomes = posting.post_scopes(engine, poster, channels, day or config.today(), "cli")
    finally:
        records.close()
    failed = [o for o in outcomes if o.status in (posting.FAILED, posting.UNCERTAIN)]
    for o in outcomes:
        key = f"cli_{o.status}" if o.status != posting.ALREADY else \
            "cli_already_posted" if o.previous == posting.POSTED else "cli_already_pending"
        print(DIGEST[key].format(scope=o.scope, channel=o.channel, week=o.week, ts=o.ts,
                                 at=o.at, error=o.error),
              file=sys.stderr if o in failed else sys.stdout)
    return 1 if failed else 0


def _serve(args: argparse.Namespace) -> int:
    # The only command that loads Slack modules (inside bot.serve).
    from bot.serve import serve

    return serve(args.host, args.port, args.knowledge)


def _records():
    from bot import settings
    from bot.curation import ensure_tables
    from bot.records import DB_NAME, Records

    records = Records(settings.data_dir() / DB_NAME)
    ensure_tables(records)
    return records


def _report_unanswered(args: argparse.Namespace) -> int:
    from bot.curation import render_unanswered, render_undelivered, unanswered

    records = _records()
    try:
        print(render_unanswered(unanswered(records, args.days, args.limit), args.days))
        undelivered = render_undelivered(records, args.days)
        if undelivered:
            print("\n" + undelivered)
    finally:
        records.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobbot", description="금천구 일자리창출과 JobBot")
    sub = parser.add_subparsers(dest="command", required=True)

    from bot.kb_cli import add_parsers

    add_parsers(sub)

    report = sub.add_parser("report", help="관리자 보고서")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    missed = report_sub.add_parser("unanswered", help="못 답한 질문과 👎 받은 답 (비슷한 것끼리)")
    missed.add_argument("--days", type=int, default=30, help="최근 며칠 (기본 30)")
    missed.add_argument("--limit", type=int, default=20, help="최대 몇 묶음 (기본 20)")
    missed.set_defaults(func=_report_unanswered)

    ask = sub.add_parser("ask", help="질문 하나에 답하기")
    ask.add_argument("question", nargs="+", help="질문 (또는 - : 표준입력에서 한 줄에 하나씩)")
    ask.add_argument("--json", action="store_true", help="JSON으로 출력")
    ask.add_argument("--verbose", "-v", action="store_true",
                     help="답 전체 (모든 항목과 인용 전문; 콘솔에서는 '자세히')")
    ask.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    ask.set_defaults(func=_ask)

    chat = sub.add_parser("chat", help="콘솔에서 대화하기 (Slack 없이)")
    chat.add_argument("--json", action="store_true", help="답을 JSON으로 출력")
    chat.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    chat.set_defaults(func=_chat)

    serve = sub.add_parser("serve", help="Slack 앱 실행 (SLACK_APP_TOKEN이 있으면 Socket Mode, "
                                         "없으면 HTTP)")
    serve.add_argument("--host", default="0.0.0.0",
                       help="HTTP 모드에서 받을 주소 (기본: 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000,
                       help="HTTP 모드에서 받을 포트 (기본: 3000); 요청 경로는 /slack/events")
    serve.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    serve.set_defaults(func=_serve)

    digest = sub.add_parser("digest", help="팀 주간 다이제스트")
    digest.add_argument("--team", help="팀 또는 부서 이름 (기본: 일자리창출과 전체)")
    digest.add_argument("--as-of", help="기준 날짜 YYYY-MM-DD (기본: 오늘)")
    digest.add_argument("--json", action="store_true", help="JSON으로 출력")
    digest.add_argument("--post", action="store_true",
                        help="Slack에 게시 (DIGEST_CHANNELS의 채널, 한 주에 한 번; "
                             "--team이 없으면 모든 팀)")
    digest.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    digest.set_defaults(func=_digest)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader went away (`jobbot ask … | head -1`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
