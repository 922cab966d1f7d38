"""`jobbot kb …` and `jobbot init`: the admins' commands on the knowledge base.

Every command that takes a knowledge folder (from `--knowledge` or KNOWLEDGE_DIR) checks
it the same way first: a missing folder is an error naming its full path. Each folder has
its own compiled database (settings.knowledge_db), so one never overwrites another's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def knowledge_root(args: argparse.Namespace) -> Path | None:
    """The knowledge folder asked for, as an absolute path, or None after saying that it
    does not exist. `--knowledge` and KNOWLEDGE_DIR fail alike."""
    from bot import settings
    from bot.core.build import MissingKnowledge, check_folder

    try:
        return check_folder(getattr(args, "knowledge", None) or settings.knowledge_dir())
    except MissingKnowledge as error:
        print(error, file=sys.stderr)
        return None


def print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"오류 {len(problems)}건: 지식베이스를 쓸 수 없습니다", file=sys.stderr)


def compiled(args: argparse.Namespace, rebuild: bool = False):
    """(knowledge base, database path), built anew or only when stale; None after saying
    why not."""
    from bot import settings
    from bot.core.build import InvalidKnowledge, MissingKnowledge, build, ensure_built

    root = knowledge_root(args)
    if root is None:
        return None
    db_path = settings.knowledge_db(root)
    try:
        return (build if rebuild else ensure_built)(root, db_path), db_path
    except InvalidKnowledge as error:
        print_problems(error.problems)
    except MissingKnowledge as error:
        print(error, file=sys.stderr)
    except OSError as error:  # e.g. DATA_DIR not writable
        print(f"데이터베이스를 쓸 수 없습니다: {db_path} ({error.strerror or error})",
              file=sys.stderr)
    return None


def _validate(args: argparse.Namespace) -> int:
    from bot.core.loader import load

    root = knowledge_root(args)
    if root is None:
        return 1
    kb, problems = load(root)
    if problems:
        print_problems(problems)
        return 1
    print(f"OK: 사업 {len(kb.programs)}개, 사실 {len(kb.facts)}건, 보고서 {len(kb.reports)}건")
    return 0


def _build(args: argparse.Namespace) -> int:
    result = compiled(args, rebuild=True)
    if result is None:
        return 1
    kb, db_path = result
    print(f"빌드 완료: {db_path} (사업 {len(kb.programs)}개, 사실 {len(kb.facts)}건)")
    return 0


def _stats(args: argparse.Namespace) -> int:
    result = compiled(args)
    if result is None:
        return 1
    kb, db_path = result
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
    print(f"데이터베이스: {db_path}")
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _export(args: argparse.Namespace) -> int:
    from bot.export import export

    out_dir = Path(args.out).expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        print(f"폴더가 아니라 파일입니다: {out_dir}", file=sys.stderr)
        return 1
    result = compiled(args)
    if result is None:
        return 1
    _, db_path = result
    try:
        written = export(db_path, out_dir, args.format)
    except OSError as error:
        print(f"내보내지 못했습니다: {error.filename or out_dir} ({error.strerror or error})",
              file=sys.stderr)
        return 1
    print("내보냈습니다:\n" + "\n".join(f"  {path}" for path in written))
    return 0


def _browse(args: argparse.Namespace) -> int:
    """Datasette on the folder's compiled database, on 127.0.0.1 by default."""
    import socket
    import subprocess

    from bot.browse import command, datasette_missing

    missing = datasette_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    result = compiled(args)
    if result is None:
        return 1
    _, db_path = result
    with socket.socket() as probe:
        try:
            probe.bind((args.host, args.port))
        except OSError as error:
            print(f"{args.host}:{args.port}에서 받을 수 없습니다 ({error.strerror or error}). "
                  "--port로 다른 포트를 고르세요.", file=sys.stderr)
            return 1
    argv = command(db_path, db_path.with_name(f"{db_path.stem}-datasette.json"), args.host,
                   args.port)
    print(f"Datasette: http://{args.host}:{args.port}/{db_path.stem} (끝내려면 Ctrl+C)",
          flush=True)
    try:
        return subprocess.run(argv).returncode
    except KeyboardInterrupt:
        return 0


def _init(args: argparse.Namespace) -> int:
    """Copy the shipped knowledge folder to DIR, for editing (KNOWLEDGE_DIR=DIR)."""
    import shutil

    from bot import settings

    target = Path(args.dir).expanduser().absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"이미 있는 파일이나 비어 있지 않은 폴더에는 복사하지 않습니다: {target}",
              file=sys.stderr)
        return 1
    source = settings.shipped_knowledge_dir()
    try:
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    except OSError as error:
        print(f"복사하지 못했습니다: {target} ({error.strerror or error})", file=sys.stderr)
        return 1
    print(f"지식베이스를 복사했습니다: {target}\n"
          f".env에 KNOWLEDGE_DIR={target} 를 쓰거나 환경변수로 설정하면 봇이 이 폴더로 "
          "답합니다. 파일을 고친 뒤에는 `jobbot kb validate`로 검사하세요.")
    return 0


def _reload(args: argparse.Namespace) -> int:
    """Make the running bot (`jobbot serve`) reload: SIGHUP to the pid in DATA_DIR, then
    wait for the reload it records in the bot's database."""
    import os
    import signal
    import time

    from bot import settings
    from bot.curation import ensure_tables, reload_history
    from bot.records import DB_NAME, Records

    pid_file = settings.data_dir() / "serve.pid"
    try:
        pid = int(pid_file.read_text(encoding="ascii").strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        print(f"실행 중인 봇(jobbot serve)을 찾지 못했습니다 ({pid_file}). 봇은 다음 시작 "
              "때 새 파일을 읽습니다. 파일 검사는 `jobbot kb validate`로 할 수 있습니다.",
              file=sys.stderr)
        return 1
    records = Records(settings.data_dir() / DB_NAME)
    ensure_tables(records)
    try:
        before = max((r["id"] for r in reload_history(records, 1)), default=0)
        os.kill(pid, signal.SIGHUP)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            latest = reload_history(records, 1)
            if latest and latest[0]["id"] > before:
                row = latest[0]
                if row["result"] == "ok":
                    print("지식베이스를 다시 불러왔습니다.\n" + row["summary"])
                    return 0
                print("지식베이스 검사에서 오류가 나와 다시 불러오지 않았습니다. 이전 "
                      "지식베이스로 계속 답합니다.\n" + row["errors"], file=sys.stderr)
                return 1
            time.sleep(0.1)
    finally:
        records.close()
    print(f"봇이 {args.timeout:.0f}초 안에 답하지 않았습니다 (pid {pid}).", file=sys.stderr)
    return 1


def add_parsers(sub) -> None:
    """`jobbot kb …` and `jobbot init` on the top-level subparsers."""
    kb = sub.add_parser("kb", help="지식베이스 검사·빌드·통계·탐색·내보내기")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    reload = kb_sub.add_parser("reload", help="실행 중인 봇이 지식베이스를 다시 불러오게 하기")
    reload.add_argument("--timeout", type=float, default=60.0, help="기다릴 초 (기본 60)")
    reload.set_defaults(func=_reload)
    for name, func, text in (("validate", _validate, "지식베이스 파일 검사"),
                             ("build", _build, "SQLite 데이터베이스로 컴파일"),
                             ("stats", _stats, "사업별·보고서별 사실 수")):
        command = kb_sub.add_parser(name, help=text)
        command.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
        command.set_defaults(func=func)

    export = kb_sub.add_parser("export", help="사실·예산·실적·일정을 CSV나 XLSX로 내보내기")
    export.add_argument("--format", choices=("csv", "xlsx"), default="xlsx",
                        help="csv(표마다 파일 하나, UTF-8) 또는 xlsx(시트마다 표 하나; 기본)")
    export.add_argument("--out", default="knowledge-export",
                        help="내보낼 폴더 (기본: ./knowledge-export)")
    export.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    export.set_defaults(func=_export)
    browse = kb_sub.add_parser("browse", help="Datasette로 데이터베이스 둘러보기 "
                                              "(browse extra: pip install -e '.[browse]')")
    browse.add_argument("--host", default="127.0.0.1", help="받을 주소 (기본: 127.0.0.1)")
    browse.add_argument("--port", type=int, default=8001, help="포트 (기본: 8001)")
    browse.add_argument("--knowledge", help="지식베이스 폴더 (기본: KNOWLEDGE_DIR)")
    browse.set_defaults(func=_browse)

    init = sub.add_parser("init", help="함께 배포된 지식베이스를 고칠 수 있게 폴더로 복사")
    init.add_argument("dir", help="복사할 폴더 (없거나 비어 있어야 함)")
    init.set_defaults(func=_init)
