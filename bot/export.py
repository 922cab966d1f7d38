"""`jobbot kb export`: the facts, budgets, metrics, milestones and descriptions as
spreadsheets staff open in Excel or Hangul Office.

Headers are the Korean column titles of bot/core/schema.py; figures stay numbers (CSV
writes them without separators, XLSX as numeric cells); each row has its program's name,
its report, the quoted lines and the program file and line in their own columns. CSV files
are UTF-8 with a byte order mark, which Excel needs to read Korean text.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

from bot.core import schema

# (table, file name, sheet title)
SHEETS = (("facts", "facts", "사실"), ("budgets", "budgets", "예산"),
          ("metrics", "metrics", "실적·목표"), ("milestones", "milestones", "일정"),
          ("infos", "infos", "설명"))
_LEFT_OUT = {"facts": {"data", "quotes", "file", "line"}}
_EXTRA = ("사업명", "보고서 이름", "인용문", "사업 파일", "줄")


def tables(db_path: Path) -> list[tuple[str, str, list[str], list[list[Any]]]]:
    """(file name, sheet title, header, rows) of every exported table."""
    db = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        programs = {r["id"]: r["short"] for r in db.execute("select id, short from programs")}
        reports = {r["id"]: r["short"] for r in db.execute("select id, short from reports")}
        facts = {r["id"]: r for r in db.execute("select id, file, line, quotes from facts")}
        out = []
        for name, file_name, title in SHEETS:
            table = schema.TABLE[name]
            columns = [c for c in table.columns if c.name not in _LEFT_OUT.get(name, ())]
            header = [c.title for c in columns] + list(_EXTRA)
            key = "id" if name == "facts" else "fact_id"
            rows = []
            for row in db.execute(f"select * from {name} order by rowid"):
                fact = facts[row[key]]
                rows.append([row[c.name] for c in columns] + [
                    programs[row["program_id"]], reports[row["report"]],
                    "\n".join(json.loads(fact["quotes"])), fact["file"], fact["line"]])
            out.append((file_name, title, header, rows))
        return out
    finally:
        db.close()


def write_csv(db_path: Path, out_dir: Path) -> list[Path]:
    written = []
    for file_name, _, header, rows in tables(db_path):
        path = out_dir / f"{file_name}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path)
    return written


def write_xlsx(db_path: Path, out_dir: Path) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for _, title, header, rows in tables(db_path):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for n, name in enumerate(header, 1):
            values = [name, *(row[n - 1] for row in rows[:200])]
            width = max(_width(v) for v in values)
            letter = get_column_letter(n)
            sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
            if name == "인용문":
                for cell in sheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif all(isinstance(v, int) for v in values[1:] if v is not None) and any(
                    isinstance(v, int) for v in values[1:]) and name not in ("연도", "줄"):
                for cell in sheet[letter][1:]:
                    cell.number_format = "#,##0"
    path = out_dir / "knowledge.xlsx"
    book.save(path)
    return [path]


def _width(value: Any) -> int:
    text = "" if value is None else str(value).split("\n")[0]
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def export(db_path: Path, out_dir: Path, fmt: str) -> list[Path]:
    """Write the spreadsheets into out_dir (created if needed); the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return (write_xlsx if fmt == "xlsx" else write_csv)(db_path, out_dir)
