"""`jobbot kb browse`: Datasette with the shipped metadata, through Datasette's own test
client, and the command as a real process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import REPO
from datasette.app import Datasette

from bot.browse import QUERIES, metadata
from bot.core import schema


def fetch(db_path, *paths: str) -> list:
    async def run():
        ds = Datasette([str(db_path)], metadata=metadata(db_path.stem))
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(run())


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_every_table_and_column_has_a_korean_title_and_description(shipped_db):
    [page, meta, budgets] = fetch(shipped_db, "/knowledge", "/-/metadata.json",
                                  "/knowledge/budgets")
    assert page.status_code == 200 and "지식베이스" in page.text
    tables = meta.json()["databases"]["knowledge"]["tables"]
    for table in schema.TABLES:
        assert set(tables[table.name]["columns"]) == set(table.names)
    assert budgets.status_code == 200
    assert "예산 (budgets)" in budgets.text and "원 단위로 환산한 금액" in budgets.text


def test_canned_queries_answer_what_staff_ask(shipped_db):
    year, rates, figure, search = fetch(
        shipped_db,
        "/knowledge/budgets_of_a_year.json?year=2021&_shape=array&_size=max",
        "/knowledge/latest_achievement_rates.json?_shape=array&_size=max",
        "/knowledge/where_a_figure_comes_from.json?figure=2,225,633&_shape=array",
        "/knowledge/search_everything.json?q=카페&_shape=array")
    public_works = [r for r in rows(year) if r["사업"] == "공공근로" and r["보고서"] ==
                    "2020년 업무보고" and r["단계"] == "계획"]
    assert [(r["총액(원)"], r["시비(원)"], r["구비(원)"], r["보고서 표기"])
            for r in public_works] == [(2_225_633_000, 1_556_767_000, 668_866_000,
                                        "2,225,633천원")]
    rates = rows(rates)
    assert rates and all(isinstance(r["달성률(%)"], int | float) for r in rates)
    assert {r["달성률 출처"] for r in rates} <= {"보고서", "계산"}
    sources = rows(figure)
    assert {r["사실 ID"] for r in sources} >= {"public-works#30"}
    assert any("2,225,633" in r["인용문"] for r in sources)
    assert all(r["사업 파일:줄"].startswith("programs/") for r in sources)
    assert "일자리카페" in {r["사업"] for r in rows(search)}
    assert set(QUERIES) == set(metadata("knowledge")["databases"]["knowledge"]["queries"])


def test_search_box_and_numeric_sort(shipped_db):
    search, metrics = fetch(shipped_db,
                            "/knowledge/search.json?_search=카페&_shape=array&_size=max",
                            "/knowledge/metrics.json?_sort_desc=actual&_shape=array&_size=20")
    hits = rows(search)
    assert "job-cafe" in {h["program_id"] for h in hits}
    assert all("카페" in h["text"] for h in hits)
    actuals = [m["actual"] for m in rows(metrics) if m["actual"] is not None]
    assert actuals == sorted(actuals, reverse=True) and actuals[0] > 9612


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATA_DIR": str(tmp_path / "data"),
            "KNOWLEDGE_DIR": "", "PYTHONPATH": str(REPO)}


def test_browse_command_serves_on_localhost(env):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "kb", "browse", "--port", str(port)],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert "http://127.0.0.1:" in proc.stdout.readline()
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/knowledge/programs.json?_shape=array",
                        timeout=5) as response:
                    body = json.loads(response.read())
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                time.sleep(0.2)
        assert body and "public-works" in {p["id"] for p in body}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_browse_on_a_busy_port_says_so(env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "bot", "kb", "browse", "--port", str(port)],
                             env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and f"127.0.0.1:{port}" in out.stderr
    assert "Traceback" not in out.stderr


def test_browse_without_datasette_says_how_to_install_it(env):
    code = ("import sys; sys.modules['datasette'] = None  # as if not installed\n"
            "from bot.cli import main; raise SystemExit(main(['kb', 'browse']))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "pip install -e '.[browse]'" in out.stderr
    assert "Traceback" not in out.stderr
