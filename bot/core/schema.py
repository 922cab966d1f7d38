"""The tables of the compiled knowledge database, described once.

Each table and column has a Korean title and description: the same text gives the
database its SQL (typed columns, primary and foreign keys), Datasette its metadata
(`bot.browse`), the spreadsheets their headers (`bot.export`) and docs/database.md its
content. No column is named after an SQL keyword.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 5


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # TEXT, INTEGER or REAL
    title: str  # short Korean header
    description: str
    references: str | None = None  # table whose primary key this column names
    not_null: bool = False
    unit: str = ""  # unit of a figure, for readers

    def sql(self) -> str:
        text = f"{self.name} {self.type}"
        if self.not_null:
            text += " NOT NULL"
        if self.references:
            text += f" REFERENCES {self.references}({_PK[self.references]})"
        return text


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    pk: tuple[str, ...]
    facets: tuple[str, ...] = ()
    sort: str | None = None
    label_column: str | None = None

    def sql(self) -> str:
        lines = [c.sql() for c in self.columns]
        lines.append(f"PRIMARY KEY ({', '.join(self.pk)})")
        return f"CREATE TABLE {self.name} (\n  " + ",\n  ".join(lines) + "\n)"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_PK = {"programs": "id", "reports": "id", "facts": "id"}
T, INT, R = "TEXT", "INTEGER", "REAL"


def _fact_columns() -> tuple[Column, ...]:
    """The first columns of every table of one kind of fact."""
    return (
        Column("fact_id", T, "사실 ID", "사실(facts)의 ID: 사업 ID#파일 안의 순번",
               "facts", True),
        Column("program_id", T, "사업 ID", "이 사실이 속한 사업", "programs", True),
        Column("report", T, "보고서", "이 사실이 나온 보고서", "reports", True),
        Column("subject", T, "세부 대상", "사업 전체가 아니라 그 일부에 관한 사실일 때 그 "
               "부분 (예: 펫푸드사업, 생활임금)"),
    )


def _amount(name: str, title: str) -> tuple[Column, Column]:
    return (Column(name, INT, title, f"{title}, 보고서에 적힌 그대로의 수치 (단위는 unit 열)"),
            Column(f"{name}_won", INT, f"{title}(원)", f"{title}을 원 단위로 환산한 금액 "
                   "(천원은 ×1,000, 백만원은 ×1,000,000)", unit="원"))


TABLES: tuple[Table, ...] = (
    Table("meta", "빌드 정보", "이 데이터베이스를 언제, 어느 지식베이스 폴더의 어떤 내용으로 "
          "만들었는지. content_hash가 폴더의 지금 내용과 다르면 봇이 다시 빌드합니다.", (
              Column("name", T, "항목", "schema_version, content_hash, knowledge_dir, "
                     "built_at, files", not_null=True),
              Column("value", T, "값", "항목의 값"),
          ), ("name",)),
    Table("reports", "보고서", "사실들의 출처인 원본 보고서 (knowledge/reports.toml)", (
        Column("id", T, "보고서 ID", "보고서 ID (예: r2020)", not_null=True),
        Column("short", T, "약칭", "직원들이 부르는 이름 (예: 2020년 업무보고)"),
        Column("title", T, "제목", "보고서의 제목"),
        Column("date", T, "작성 시점", "보고서가 작성된 달 (YYYY-MM)"),
        Column("headline_year", INT, "계획 연도", "보고서가 계획하는 해: 연도 없는 예산 질문은 "
               "이 해로 답합니다"),
        Column("file", T, "원문 파일", "지식베이스 폴더 안의 원문 텍스트 파일"),
        Column("aliases", T, "별칭", "보고서를 가리키는 다른 이름들 (JSON 목록)"),
    ), ("id",), label_column="short"),
    Table("programs", "사업", "사업(또는 부서, 묶음 페이지) 하나에 한 행 "
          "(knowledge/programs/*.toml)", (
              Column("id", T, "사업 ID", "사업 ID = 파일 이름", not_null=True),
              Column("short", T, "사업명(약칭)", "직원들이 쓰는 이름"),
              Column("name", T, "사업명", "최신 보고서의 공식 이름"),
              Column("kind", T, "종류", "program(사업), umbrella(묶음), department(부서)"),
              Column("department", T, "부서", "담당 부서"),
              Column("part_of", T, "상위 사업", "이 사업이 속한 묶음 페이지의 ID", "programs"),
              Column("parts", T, "하위 사업", "묶음 페이지의 하위 사업 ID들 (JSON 목록)"),
              Column("aliases", T, "별칭", "질문에서 이 사업을 가리키는 이름들 ( | 로 구분)"),
              Column("file", T, "파일", "지식베이스 폴더 안의 사업 파일"),
          ), ("id",), facets=("department", "kind"), label_column="short"),
    Table("aliases", "별칭", "질문에서 사업을 알아보는 이름, 한 행에 하나", (
        Column("program_id", T, "사업 ID", "이 별칭이 가리키는 사업", "programs", True),
        Column("alias", T, "별칭", "별칭 그대로", not_null=True),
        Column("match_key", T, "비교용 키", "공백을 빼고 소문자로 바꾼 별칭 (중복 검사에 씀)"),
    ), ("program_id", "alias"), facets=("program_id",)),
    Table("facts", "사실", "보고서에서 인용한 사실 하나에 한 행. 종류별 세부 수치는 "
          "budgets, metrics, milestones, infos 표에 있습니다.", (
              Column("id", T, "사실 ID", "사업 ID#파일 안의 순번 (0부터)", not_null=True),
              Column("program_id", T, "사업 ID", "이 사실이 속한 사업", "programs", True),
              Column("idx", INT, "순번", "사업 파일 안에서 몇 번째 [[fact]]인지 (0부터)"),
              Column("type", T, "종류", "budget(예산), metric(실적·목표 수치), "
                     "milestone(일정), info(설명)"),
              Column("report", T, "보고서", "이 사실이 나온 보고서", "reports", True),
              Column("subject", T, "세부 대상", "사업의 일부에 관한 사실일 때 그 부분"),
              Column("note", T, "비고", "사실과 함께 보여 주는 짧은 말 (예: 예상)"),
              Column("file", T, "파일", "이 사실이 적힌 사업 파일"),
              Column("line", INT, "줄", "사업 파일에서 이 사실의 [[fact]] 줄 번호"),
              Column("quotes", T, "인용문", "보고서에서 그대로 옮긴 줄들 (JSON 목록)"),
              Column("data", T, "원자료", "사업 파일에 적힌 이 사실의 키와 값 그대로 (JSON); "
                     "봇은 이것을 읽습니다"),
          ), ("id",), facets=("type", "report", "program_id"), label_column="id"),
    Table("sources", "인용문", "사실 하나의 인용문 한 줄에 한 행: 수치가 어디서 왔는지", (
        Column("fact_id", T, "사실 ID", "인용한 사실", "facts", True),
        Column("n", INT, "번호", "그 사실의 몇 번째 인용문인지 (0부터)", not_null=True),
        Column("report", T, "보고서", "인용한 보고서", "reports", True),
        Column("quote", T, "인용문", "보고서 원문의 한 줄 (또는 표의 한 행)"),
    ), ("fact_id", "n"), facets=("report",)),
    Table("budgets", "예산", "예산 사실 (type = budget): 보고서의 단위 그대로의 수치와 "
          "원 단위로 환산한 금액. 한 해의 예산이 아닌 합계는 multi_year = 1로 표시됩니다.", (
              *_fact_columns(),
              Column("year", INT, "연도", "예산 연도 (여러 해 합계면 비어 있음)"),
              Column("stage", T, "단계", "plan(계획·소요예산), secured(확보액), "
                     "executed(집행액), actual(실적)"),
              Column("label", T, "항목", "한 해의 예산 총액이 아닐 때 무엇인지 "
                     "(예: 총사업비, 5개년 합계, 자본금)"),
              Column("unit", T, "표기 단위", "보고서의 단위: 천원, 백만원 또는 원"),
              *_amount("total", "총액"), *_amount("national", "국비"),
              *_amount("city", "시비"), *_amount("district", "구비"),
              Column("ratio", T, "매칭비율", "보고서에 적힌 매칭비율 (예: 시비 70%, 구비 30%)"),
              Column("annual", INT, "한 해 예산", "1: 그 해(year)의 예산 총액. 0: 일부·항목·"
                     "합계 (같은 해의 합계를 낼 때는 annual = 1인 행만)"),
              Column("multi_year", INT, "여러 해 합계", "1: 한 해가 아닌 여러 해(또는 사업 "
                     "전체)의 합계 (예: 2020~2023년 합계, 총사업비)"),
          ), ("fact_id",), facets=("year", "stage", "unit", "report", "multi_year"),
          sort="year"),
    Table("metrics", "실적·목표", "수치 사실 (type = metric): 인원, 건수, 목표, 실적, 달성률", (
        *_fact_columns(),
        Column("name", T, "지표", "무엇을 센 것인지 (예: 참여인원, 일자리 창출)"),
        Column("year", INT, "연도", "수치가 해당하는 해"),
        Column("half", INT, "반기", "1(상반기) 또는 2(하반기)"),
        Column("quarter", INT, "분기", "1~4: 그 분기 말까지의 누계"),
        Column("as_of", T, "기준일", "수치의 기준 시점 (YYYY, YYYY-MM 또는 YYYY-MM-DD)"),
        Column("stage", T, "구분", "value의 구분: plan(계획·예상) 또는 result(실적)"),
        Column("target_group", T, "대상 계층", "청년, 중장년, 노년, 취약계층, 민간"),
        Column("value", INT, "수치", "목표도 실적도 아닌 수치 (stage 참고)"),
        Column("target", INT, "목표", "목표 수치"),
        Column("actual", INT, "실적", "실적 수치"),
        Column("rate", R, "달성률(%)", "달성률, 퍼센트", unit="%"),
        Column("unit", T, "단위", "수치의 단위 (명, 개, 건, 회 …)"),
        Column("label", T, "항목", "수치에 붙은 설명"),
    ), ("fact_id",), facets=("name", "year", "unit", "report"), sort="year"),
    Table("milestones", "일정", "일정 사실 (type = milestone)", (
        *_fact_columns(),
        Column("start_date", T, "시작", "시작 시점 (YYYY, YYYY-MM 또는 YYYY-MM-DD)"),
        Column("end_date", T, "끝", "끝 시점 (같은 형식; 한 달·하루면 비어 있음)"),
        Column("ongoing", INT, "계속", "1: 끝 없이 계속되는 일정"),
        Column("what", T, "내용", "무엇을 하는지"),
        Column("stage", T, "구분", "plan(계획) 또는 done(실적)"),
    ), ("fact_id",), facets=("stage", "report"), sort="start_date"),
    Table("infos", "설명", "설명 사실 (type = info): 목적, 대상, 장소, 운영시간, 담당 팀 …", (
        *_fact_columns(),
        Column("field", T, "항목", "purpose(목적), content(사업내용), eligibility(대상), "
               "place(장소), hours(운영시간), period(사업기간), team(담당 팀), contact(담당자), "
               "staff(인력), method(방법), basis(근거), organizer(주관), form(형태), "
               "issue(문제점), other(기타)"),
        Column("text", T, "내용", "사실을 짧게 적은 문장"),
    ), ("fact_id",), facets=("field", "report")),
    Table("places", "지역", "금천구가 아닌 곳을 알아보는 지명 (knowledge/places.toml)", (
        Column("id", INT, "번호", "행 번호", not_null=True),
        Column("name", T, "지명", "지명"),
        Column("kind", T, "종류", "home(금천구와 그 동), ambiguous(보통 낱말이기도 한 이름), "
               "wider(서울시 전체·전국처럼 금천구를 넘는 범위), "
               "home_region(금천구가 속한 시·도), region(시·도), government(시·군·구)"),
        Column("region", T, "시·도", "government 행이 속한 시·도"),
        Column("english", T, "영문", "시·도의 로마자 이름"),
    ), ("id",), facets=("kind", "region")),
    Table("search", "검색", "이름, 별칭, 세부 대상, 내용, 인용문의 전문 검색. 두 음절 "
          "낱말도 찾습니다 (예: 카페): search_fts가 한글 낱말의 두 음절 이상 조각을 모두 "
          "색인합니다.", (
              Column("id", INT, "번호", "행 번호 = search_fts의 rowid", not_null=True),
              Column("kind", T, "종류", "name(사업명), alias(별칭), subject(세부 대상), "
                     "text(사실의 내용), quote(인용문)"),
              Column("program_id", T, "사업 ID", "찾은 글이 속한 사업", "programs", True),
              Column("fact_id", T, "사실 ID", "찾은 글이 속한 사실 (사업명·별칭이면 비어 "
                     "있음)", "facts"),
              Column("text", T, "글", "찾은 글 그대로"),
          ), ("id",), facets=("kind", "program_id")),
)

TABLE = {t.name: t for t in TABLES}
FACT_TABLES = {"budget": "budgets", "metric": "metrics", "milestone": "milestones",
               "info": "infos"}
# Fact keys stored under another column name (SQL keywords are not column names).
RENAMED = {"group": "target_group", "start": "start_date", "end": "end_date"}
UNIT_WON = {"원": 1, "천원": 1_000, "백만원": 1_000_000}


def markdown() -> str:
    """docs/database.md: every table and column (a test keeps the file up to date)."""
    out = ["# 컴파일된 지식베이스 (knowledge.db)", "",
           "`jobbot kb build`가 지식베이스 폴더에서 만드는 SQLite 데이터베이스의 표와 열입니다. "
           "이 문서는 `bot/core/schema.py`에서 만들어집니다: "
           "`python -m bot.core.schema > docs/database.md`.", "",
           "수치 열은 INTEGER 또는 REAL이고, `→ 표(id)`는 그 표의 행을 가리키는 외래 키입니다.",
           "전문 검색: `select * from search where id in (select rowid from search_fts "
           "where search_fts match '카페')`.", ""]
    for table in TABLES:
        out += [f"## `{table.name}` — {table.title}", "", table.description, "",
                f"기본 키: `{', '.join(table.pk)}`", "",
                "| 열 | 형식 | 이름 | 설명 |", "|---|---|---|---|"]
        for c in table.columns:
            ref = f" → `{c.references}({_PK[c.references]})`" if c.references else ""
            out.append(f"| `{c.name}` | {c.type}{ref} | {c.title} | {c.description} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
