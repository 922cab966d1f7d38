"""The weekly digest in Slack: `/jobs digest [팀] [날짜]` shows the caller a preview with a
"채널에 게시" button; a team lead's or an admin's click posts it to the channel the command
ran in, once per week (bot.digest_posting); anyone else is politely refused."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.core.digest import DEPARTMENTS, compose, teams
from bot.digest_config import DigestConfig
from bot.digest_posting import ALREADY, FAILED, POSTED, DigestPoster, Outcome, posting_client
from bot.messages import DIGEST, slack_texts
from bot.records import Records

from .blocks import Message, notice_message
from .commands import CommandRequest, Subcommand
from .delivery import Reply
from .deps import Deps
from .digest_blocks import POST_ACTION, digest_message, read_button_value
from .intake import Intake

log = logging.getLogger(__name__)

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class DigestFeature:
    poster: DigestPoster
    config: DigestConfig

    def may_post(self, deps: Deps, user: str) -> bool:
        return bool(user) and (user in self.config.team_leads or user in deps.admins)


def feature(records: Records, token: str, api_url: str = "",
            config: DigestConfig | None = None) -> DigestFeature:
    return DigestFeature(DigestPoster(records, posting_client(token, api_url)),
                         config or DigestConfig())


def _parse(args: str, channel: str, config: DigestConfig, known: list[str]
           ) -> tuple[str, date] | str:
    """(scope, day) from "[팀] [날짜]", or what is wrong with it. Without a team: the team
    whose channel this is (DIGEST_CHANNELS), else the whole department; without a date:
    today where the team works."""
    words, day = [], config.today()
    for word in args.split():
        match = _DATE.fullmatch(word)
        if match is None:
            words.append(word)
            continue
        try:
            day = date(*map(int, match.groups()))
        except ValueError:
            return DIGEST["bad_date"].format(value=word)
    scope = " ".join(words) or config.scope_of_channel(channel) or DEPARTMENTS[0]
    if scope not in known:
        return DIGEST["unknown_team"].format(team=scope, known=", ".join(known))
    return scope, day


def subcommands(deps: Deps, digests: DigestFeature) -> dict[str, Subcommand]:
    def preview(request: CommandRequest) -> Message:
        engine = deps.asker.engine()
        known = [*teams(engine.kb), *DEPARTMENTS]
        parsed = _parse(request.args, request.body.get("channel_id", ""), digests.config,
                        known)
        if isinstance(parsed, str):
            return notice_message(parsed)
        scope, day = parsed
        return digest_message(compose(engine, scope, day), preview_day=day)

    return {"digest": preview, "다이제스트": preview}


def _local_time(stamp: str, config: DigestConfig) -> str:
    """A record's UTC time as the team reads it: "2021-05-03 09:00"."""
    try:
        return f"{datetime.fromisoformat(stamp).astimezone(config.timezone):%Y-%m-%d %H:%M}"
    except ValueError:
        return stamp


def _outcome_message(outcome: Outcome, config: DigestConfig) -> tuple[Message, bool]:
    """What the clicker is told, and whether it replaces the preview: it stays (with its
    button) only when clicking again may help."""
    fields = {"scope": outcome.scope, "week": outcome.week, "error": outcome.error,
              "at": _local_time(outcome.at, config)}
    if outcome.status == POSTED:
        return notice_message(DIGEST["posted"].format(**fields)), True
    if outcome.status == ALREADY:
        key = "already_posted" if outcome.previous == POSTED else "already_pending"
        return notice_message(DIGEST[key].format(**fields)), True
    if outcome.status == FAILED:
        return notice_message(DIGEST["failed"].format(**fields)), False
    return notice_message(DIGEST["uncertain"].format(**fields)), True


def _click(deps: Deps, digests: DigestFeature, body: dict[str, Any],
           value: str) -> tuple[Message, bool]:
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("container") or {}).get("channel_id") \
        or (body.get("channel") or {}).get("id", "")
    if not digests.may_post(deps, user):
        log.info("digest post refused for %s in %s", user, channel)
        return notice_message(DIGEST["refused"]), False
    picked = read_button_value(value)
    engine = deps.asker.engine()
    if picked is None or not channel or picked[0] not in [*teams(engine.kb), *DEPARTMENTS]:
        return notice_message(slack_texts("ko")["button_invalid"]), False
    scope, day = picked
    outcome = digests.poster.post(compose(engine, scope, day), channel, f"button:{user}")
    return _outcome_message(outcome, digests.config)


def register(intake: Intake, deps: Deps, digests: DigestFeature) -> None:
    def on_post(body: dict[str, Any]) -> Reply | None:
        action = (body.get("actions") or [{}])[0]
        try:
            message, replace = _click(deps, digests, body, action.get("value") or "")
        except Exception as error:
            log.error("posting a digest failed: %r", error)
            log.debug("posting a digest failed", exc_info=True)
            message, replace = notice_message(slack_texts("ko")["error"]), False
        if not body.get("response_url"):
            return None
        return Reply.respond(body["response_url"], message, replace_original=replace)

    intake.on_action(POST_ACTION, on_post)
