"""The weekly digest's settings, read and checked in one place: which channel each team's
digest goes to, the time zone its week and schedule are reckoned in, the schedule, and
who may post it. Shared by the Slack app, the scheduler and `jobbot digest --post`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import settings
from bot.core.digest import DEPARTMENTS, teams
from bot.core.model import KnowledgeBase
from bot.messages import DIGEST

DEFAULT_TIMEZONE = "Asia/Seoul"
# Public (C…) or private (G…) channel IDs: a name ("#일자리") would work for posting, but
# a button click reports the ID, and the once-per-week record is keyed by it.
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")


class ConfigError(ValueError):
    """Wrong digest settings; the message (Korean) says which and how to fix them."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DigestConfig:
    channels: Mapping[str, str] = field(default_factory=dict)  # team or department -> ID
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    schedule: str = ""  # cron fields, e.g. "0 9 * * MON"; empty: no scheduled posting
    team_leads: frozenset[str] = frozenset()  # Slack user IDs; admins may post as well
    clock: Callable[[], datetime] = _utc_now  # injectable: tests pick "now"

    def today(self) -> date:
        """Today where the team works: a server on UTC is still on Sunday at 08:00 on a
        Monday in Seoul."""
        return self.clock().astimezone(self.timezone).date()

    def scope_of_channel(self, channel: str) -> str | None:
        """The team whose digest goes to `channel` (the first one, if several do)."""
        return next((scope for scope, ch in self.channels.items() if ch == channel), None)

    def check_scopes(self, kb: KnowledgeBase) -> None:
        """ConfigError if DIGEST_CHANNELS names a team the knowledge base does not know."""
        known = [*teams(kb), *DEPARTMENTS]
        unknown = [scope for scope in self.channels if scope not in known]
        if unknown:
            raise ConfigError(DIGEST["unknown_scopes"].format(scopes=", ".join(unknown),
                                                              known=", ".join(known)))


def parse_channels(text: str) -> dict[str, str]:
    """"공공일자리팀=C0123,취업정보팀=C0456" -> {"공공일자리팀": "C0123", …}."""
    channels: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        scope, sep, channel = (s.strip() for s in item.partition("="))
        if not sep or not scope or not _CHANNEL_ID.fullmatch(channel):
            raise ConfigError(DIGEST["bad_channels"].format(item=item))
        if scope in channels:
            raise ConfigError(DIGEST["duplicate_channel"].format(scope=scope))
        channels[scope] = channel
    return channels


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(DIGEST["bad_timezone"].format(value=name)) from error


def load() -> DigestConfig:
    """The settings' digest configuration; raises ConfigError when they are wrong."""
    return DigestConfig(channels=parse_channels(settings.get("DIGEST_CHANNELS")),
                        timezone=parse_timezone(settings.get("DIGEST_TIMEZONE")),
                        schedule=settings.get("DIGEST_SCHEDULE"),
                        team_leads=settings.id_list("TEAM_LEAD_USER_IDS"))
