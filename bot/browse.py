"""`jobbot kb browse`: Datasette on the compiled knowledge base, with Korean titles and
descriptions of every table and column (from bot/core/schema.py), facets, and the
queries staff need: a year's budgets by program and funding source, the latest
achievement rates, and where a figure comes from.

Datasette is an optional extra: `pip install -e '.[browse]'` in a checkout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.core import schema

QUERIES: dict[str, dict[str, Any]] = {
    "budgets_of_a_year": {
        "title": "한 해의 예산: 사업별·재원별",
        "description": "연도(year)를 넣으면 그 해의 사업별 예산을 국비·시비·구비로 나누어 원 "
                       "단위로 보여 줍니다. 한 해의 총액인 행(annual = 1)만 나오며, 여러 해 "
                       "합계와 항목별 금액은 빠집니다. 같은 해의 금액이 보고서마다 다를 수 "
                       "있으니 보고서와 단계(계획·확보·집행)를 함께 보세요.",
        "sql": """select p.short as "사업", b.subject as "세부 대상",
  case b.stage when 'plan' then '계획' when 'secured' then '확보액' when 'executed'
    then '집행액' when 'actual' then '실적' else b.stage end as "단계",
  r.short as "보고서", b.total_won as "총액(원)", b.national_won as "국비(원)",
  b.city_won as "시비(원)", b.district_won as "구비(원)",
  printf('%,d', b.total) || b.unit as "보고서 표기", b.fact_id as "사실 ID"
from budgets b join programs p on p.id = b.program_id join reports r on r.id = b.report
where b.year = cast(:year as integer) and b.annual = 1
order by p.short, r.date desc, b.stage""",
    },
    "latest_achievement_rates": {
        "title": "최근 달성률",
        "description": "사업·지표마다 가장 최근(연도, 분기, 보고서 순) 목표와 실적. 달성률은 "
                       "보고서에 적힌 값이고, 보고서에 없으면 실적 ÷ 목표로 계산한 값입니다 "
                       "(\"달성률 출처\" 열).",
        "sql": """with ranked as (
  select m.*, row_number() over (
    partition by m.program_id, m.name, coalesce(m.subject, ''), coalesce(m.target_group, '')
    order by m.year desc, coalesce(m.quarter, m.half * 2, 4) desc, r.date desc) as n
  from metrics m join reports r on r.id = m.report
  where m.rate is not null or (m.target is not null and m.actual is not null)
)
select p.short as "사업", k.name as "지표", k.subject as "세부 대상",
  k.target_group as "대상 계층", k.year as "연도", k.quarter as "분기", k.target as "목표",
  k.actual as "실적", k.unit as "단위",
  coalesce(k.rate, round(100.0 * k.actual / k.target, 1)) as "달성률(%)",
  case when k.rate is null then '계산' else '보고서' end as "달성률 출처",
  k.report as "보고서", k.fact_id as "사실 ID"
from ranked k join programs p on p.id = k.program_id
where k.n = 1
order by p.short, k.name""",
    },
    "where_a_figure_comes_from": {
        "title": "수치의 출처",
        "description": "수치(figure)를 넣으면 (쉼표는 있어도 됩니다) 그 수치를 담은 예산·실적 "
                       "사실과 그 보고서, 사업 파일의 줄, 보고서 원문의 인용문을 보여 줍니다. "
                       "원 단위로 환산한 금액으로도 찾습니다.",
        "sql": """with wanted(x) as (select cast(replace(:figure, ',', '') as real)),
hits as (
  select fact_id from budgets, wanted where x in (total, national, city, district,
    total_won, national_won, city_won, district_won)
  union select fact_id from metrics, wanted where x in (value, target, actual, rate)
)
select f.id as "사실 ID", p.short as "사업", f.type as "종류", r.short as "보고서",
  r.title as "보고서 제목", f.file || ':' || f.line as "사업 파일:줄", s.quote as "인용문"
from hits h join facts f on f.id = h.fact_id join programs p on p.id = f.program_id
join reports r on r.id = f.report join sources s on s.fact_id = f.id
order by f.id, s.n""",
    },
    "search_everything": {
        "title": "검색",
        "description": "사업명, 별칭, 세부 대상, 사실의 내용, 인용문에서 낱말을 찾습니다. 두 "
                       "음절 낱말(예: 카페)도 찾습니다. 여러 낱말은 모두 들어 있는 글을 찾습니다.",
        "sql": """select s.kind as "종류", p.short as "사업", s.fact_id as "사실 ID",
  s.text as "글"
from search s join programs p on p.id = s.program_id
where s.id in (select rowid from search_fts where search_fts match :q)
order by p.short, s.kind, s.id
limit 500""",
    },
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette 0.65 metadata for the database named `database` (its file's stem)."""
    tables: dict[str, Any] = {}
    for table in schema.TABLES:
        entry: dict[str, Any] = {
            "title": f"{table.title} ({table.name})",
            "description": table.description,
            "columns": {c.name: f"{c.title} — {c.description}"
                        + (f" [단위: {c.unit}]" if c.unit else "") for c in table.columns},
        }
        if table.facets:
            entry["facets"] = list(table.facets)
        if table.sort:
            entry["sort_desc"] = table.sort
        if table.label_column:
            entry["label_column"] = table.label_column
        tables[table.name] = entry
    tables["search"].update({"fts_table": "search_fts", "fts_pk": "id"})
    return {
        "title": "JobBot 지식베이스",
        "description": "금천구 일자리창출과 JobBot이 답하는 사실들: 업무보고와 공약이행카드에서 "
                       "인용한 예산, 실적·목표, 일정, 설명. 표마다 열 이름 위에 설명이 있습니다.",
        "source": "금천구 업무보고 (knowledge/sources)",
        "databases": {database: {
            "title": "지식베이스",
            "description": "표: 사업(programs), 사실(facts), 예산(budgets), 실적·목표(metrics), "
                           "일정(milestones), 설명(infos), 인용문(sources), 보고서(reports), "
                           "검색(search). 아래 '쿼리'에서 자주 쓰는 질문을 바로 실행할 수 "
                           "있습니다.",
            "tables": tables,
            "queries": QUERIES,
        }},
    }


def datasette_missing() -> str | None:
    """The message to show when Datasette is not installed, else None."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        return ("Datasette가 설치되어 있지 않습니다. 소스 폴더에서 pip install -e '.[browse]' "
                "(설치본이면 pip install '소스 폴더[browse]')로 설치하세요.")
    return None


def command(db_path: Path, metadata_path: Path, host: str, port: int) -> list[str]:
    """The Datasette command line serving `db_path` with the metadata written to
    `metadata_path`."""
    metadata_path.write_text(json.dumps(metadata(db_path.stem), ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata",
            str(metadata_path), "--host", host, "--port", str(port),
            "--setting", "default_page_size", "50"]
