"""The 226 local governments (시·군·구) of Korea for synthetic knowledge bases: read from the
knowledge base's own `places.toml` (the data the engine refuses other places by), with the
same romanisation."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from bot.core.places import romanize

PLACES = Path(__file__).resolve().parent.parent / "knowledge" / "places.toml"
# 제주시 and 서귀포시 are administrative cities, not local governments: not among the 226.
NOT_LOCAL_GOVERNMENTS = ("제주",)


@cache
def local_governments() -> list[tuple[str, str, str]]:
    """(region, region_en, local government) for all 226, in a fixed order."""
    data = tomllib.loads(PLACES.read_text(encoding="utf-8"))
    return [(r["name"], r.get("english", ""), gov) for r in data["region"]
            if r["name"] not in NOT_LOCAL_GOVERNMENTS for gov in r["governments"]]


def english_gov(gov: str) -> str:
    """종로구 -> Jongro-gu, 수원시 -> Suwon-si."""
    return romanize(gov[:-1]).capitalize() + "-" + romanize(gov[-1])
