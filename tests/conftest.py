from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"

GOOD_PROGRAM = '''id = "public-works"
name = "서울시민 안심 일자리사업(공공근로)"
short = "공공근로"
kind = "program"
department = "일자리창출과"
aliases = ["공공근로", "public works"]

[[fact]]
type = "budget"
report = "r2020"
year = 2021
stage = "plan"
unit = "천원"
total = 2225633
city = 1556767
district = 668866
quote = ["재원별 합계 연차별 소요재원 2020년 2021년 2022년 2023년",
         "계 10,743,428 3,376,580 2,225,633 2,448,197 2,693,018",
         "시비 7,515,330 2,362,430 1,556,767 1,712,444 1,883,689",
         "구비 3,228,098 1,014,150 668,866 735,753 809,329"]

[[fact]]
type = "info"
report = "r2020"
field = "eligibility"
text = "실업자 등 취업취약계층"
quote = "참여대상 : 실업자 등 취업취약계층"
'''


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A small, valid knowledge folder with the real reports and one program."""
    root = tmp_path / "knowledge"
    (root / "programs").mkdir(parents=True)
    shutil.copytree(KNOWLEDGE / "sources", root / "sources")
    shutil.copy(KNOWLEDGE / "reports.toml", root / "reports.toml")
    (root / "programs" / "public-works.toml").write_text(GOOD_PROGRAM, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def engine():
    from bot.core.engine import Engine
    from bot.core.loader import load

    kb, problems = load(KNOWLEDGE)
    assert not problems, "\n".join(map(str, problems))
    return Engine(kb)


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory) -> Path:
    """The shipped knowledge base, compiled once (read-only for the tests)."""
    from bot.core.build import build

    path = tmp_path_factory.mktemp("compiled") / "knowledge.db"
    build(KNOWLEDGE, path)
    return path


@pytest.fixture(scope="session")
def knowledge_db(tmp_path_factory) -> Path:
    """The shipped knowledge base compiled once, for `jobbot serve` processes to copy."""
    from serve_kit import build_knowledge

    return build_knowledge(tmp_path_factory.mktemp("compiled"))
