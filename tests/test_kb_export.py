"""`jobbot kb export`: spreadsheets with Korean text intact, numbers as numbers, and the
source report and quote in their own columns."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys

from conftest import REPO
from openpyxl import load_workbook


def jobbot(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATA_DIR": str(tmp_path / "data"),
           "KNOWLEDGE_DIR": "", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "bot", "kb", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def _count(tmp_path, table: str) -> int:
    db = sqlite3.connect(tmp_path / "data" / "knowledge.db")
    return db.execute(f"select count(*) from {table}").fetchone()[0]


def test_csv_export(tmp_path):
    out = jobbot(tmp_path, "export", "--format", "csv", "--out", "sheets")
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "sheets"
    assert sorted(p.name for p in folder.iterdir()) == [
        "budgets.csv", "facts.csv", "infos.csv", "metrics.csv", "milestones.csv"]
    assert (folder / "budgets.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # for Excel
    with open(folder / "budgets.csv", encoding="utf-8-sig", newline="") as stream:
        budgets = list(csv.DictReader(stream))
    assert len(budgets) == _count(tmp_path, "budgets")
    [row] = [b for b in budgets if b["사실 ID"] == "public-works#30"]
    assert row["사업명"] == "공공근로" and row["보고서 이름"] == "2020년 업무보고"
    assert row["총액"] == "2225633" and row["총액(원)"] == "2225633000"
    assert row["표기 단위"] == "천원" and "2,225,633" in row["인용문"]
    assert row["사업 파일"] == "programs/public-works.toml" and int(row["줄"]) > 0
    with open(folder / "metrics.csv", encoding="utf-8-sig", newline="") as stream:
        metrics = list(csv.DictReader(stream))
    [rate] = [m for m in metrics if m["사실 ID"] == "job-creation#54"]
    assert (rate["달성률(%)"], rate["실적"], rate["지표"]) == ("91.5", "9612", "일자리 창출")


def test_xlsx_export_keeps_numbers_as_numbers(tmp_path):
    out = jobbot(tmp_path, "export", "--out", str(tmp_path / "x"))
    assert out.returncode == 0, out.stderr
    book = load_workbook(tmp_path / "x" / "knowledge.xlsx")
    assert book.sheetnames == ["사실", "예산", "실적·목표", "일정", "설명"]
    sheet = book["예산"]
    header = [c.value for c in sheet[1]]
    assert sheet.max_row - 1 == _count(tmp_path, "budgets")
    records = [dict(zip(header, [c.value for c in row], strict=True))
               for row in sheet.iter_rows(min_row=2)]
    [row] = [r for r in records if r["사실 ID"] == "public-works#30"]
    assert row["총액"] == 2225633 and row["총액(원)"] == 2225633000 and row["연도"] == 2021
    assert "2,225,633" in row["인용문"] and row["사업명"] == "공공근로"
    metrics = book["실적·목표"]
    header = [c.value for c in metrics[1]]
    actual = header.index("실적")
    values = [r[actual].value for r in metrics.iter_rows(min_row=2) if r[actual].value]
    assert values and all(isinstance(v, int | float) for v in values)
    assert book["설명"].max_row - 1 == _count(tmp_path, "infos")


def test_export_into_a_file_is_refused_plainly(tmp_path):
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    out = jobbot(tmp_path, "export", "--out", "taken")
    assert out.returncode == 1 and str(tmp_path / "taken") in out.stderr
    assert "Traceback" not in out.stderr
