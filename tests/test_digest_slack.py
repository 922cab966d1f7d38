"""`/jobs digest [팀] [날짜]` in Slack: a private preview with a "채널에 게시" button; a team
lead's or an admin's click posts it to the channel once per week, anyone else is refused.
Signed requests through app.dispatch, against the local Slack Web API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_testkit import (
    BOT_TOKEN,
    CHANNEL,
    SECRET,
    Slack,
    block_text,
    buttons,
    click_body,
    command_body,
)

from bot.core.digest import Digest, Milestone
from bot.digest_config import DigestConfig
from bot.slack.app import build_app
from bot.slack.digest_blocks import digest_message

pytest_plugins = ("slack_testkit",)

LEAD, ADMIN, STAFF = "U0LEAD", "U0ADMIN", "U0STAFF"
TEAM_CHANNEL = "C0PUBLICJOBS"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def slack(engine, records, slack_api) -> Slack:
    config = DigestConfig(channels={"공공일자리팀": TEAM_CHANNEL},
                          team_leads=frozenset({LEAD}),
                          # Sunday 16:00 UTC: already Monday 01:00 in Seoul
                          clock=lambda: datetime(2021, 5, 2, 16, 0, tzinfo=UTC))
    app = build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, admins=frozenset({ADMIN}), digest_config=config,
                    process_before_response=True)
    return Slack(app, slack_api)


def _command(slack: Slack, text: str, *, user: str = STAFF, channel: str = CHANNEL,
             name: str = "cmd") -> dict:
    slack.send(command_body(text, slack.api.response_url(name), channel=channel, user=user),
               FORM)
    return [r for r in slack.api.responses() if r.path.endswith(f"/{name}")][-1].body


def _click(slack: Slack, button: dict, *, user: str, channel: str = CHANNEL,
           name: str = "click") -> dict:
    """A click on the button of the (ephemeral) preview; the reply to the clicker."""
    response = slack.send(click_body(button, channel=channel, message=None, user=user,
                                     response_url=slack.api.response_url(name)), FORM)
    assert response.status == 200
    return [r for r in slack.api.responses() if r.path.endswith(f"/{name}")][-1].body


def _within_limits(message: dict) -> None:
    blocks = message["blocks"]
    assert 0 < len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert message["text"] and len(message["text"]) <= 3000  # the plain-text fallback


def test_preview_is_private_and_carries_the_post_button(slack, slack_api):
    preview = _command(slack, "digest 공공일자리팀 2021-05-03")

    assert preview["response_type"] == "ephemeral"
    blocks = preview["blocks"]
    assert block_text(blocks[:1]) == ("*공공일자리팀 주간 다이제스트* — "
                                      "2021-05-03(월) ~ 2021-05-09(일)")
    body = block_text(blocks, "section")
    assert "*이번 주 일정*" in body and "공공근로: 상반기 사업 시행" in body
    assert "공공근로: 2,225,633천원" in body
    assert "근거: 2020년 업무보고 (2020-11)" in block_text(blocks, "context")
    [button] = buttons(blocks)
    assert button["text"]["text"] == "채널에 게시" and button["confirm"]
    assert json.loads(button["value"]) == {"s": "공공일자리팀", "d": "2021-05-03"}
    assert "공공일자리팀 주간 다이제스트" in preview["text"]
    _within_limits(preview)
    assert slack_api.posts() == []  # a preview posts nothing to the channel


def test_a_team_lead_posts_it_once_to_the_channel_of_the_command(slack, slack_api, records):
    [button] = buttons(_command(slack, "digest 공공일자리팀 2021-05-03")["blocks"])

    reply = _click(slack, button, user=LEAD, name="c1")

    [post] = slack_api.posts()
    assert post.body["channel"] == CHANNEL
    assert block_text(post.body["blocks"][:1]).startswith("*공공일자리팀 주간 다이제스트*")
    assert "2,225,633천원" in block_text(post.body["blocks"], "section")
    assert buttons(post.body["blocks"]) == []  # the public message has no button
    _within_limits(post.body)
    assert reply["replace_original"] is True and reply["response_type"] == "ephemeral"
    assert "이 채널에 게시했습니다" in block_text(reply["blocks"])
    [row] = records.db.query("SELECT * FROM digest_posts")
    assert (row["channel"], row["scope"], row["week_start"], row["status"]) == (
        CHANNEL, "공공일자리팀", "2021-05-03", "posted")
    assert row["ts"] and row["via"] == f"button:{LEAD}"

    # A second click, by an admin, on a preview of another day of the same week.
    [again] = buttons(_command(slack, "digest 공공일자리팀 2021-05-07", name="cmd2")["blocks"])
    second = _click(slack, again, user=ADMIN, name="c2")

    assert len(slack_api.posts()) == 1
    posted_at = datetime.fromisoformat(row["posted_at"]).astimezone(ZoneInfo("Asia/Seoul"))
    assert (f"이미 이 채널에 게시되었습니다 ({posted_at:%Y-%m-%d %H:%M})"
            in block_text(second["blocks"]))


def test_others_are_refused_politely_and_nothing_is_posted(slack, slack_api, records):
    [button] = buttons(_command(slack, "digest 공공일자리팀 2021-05-03")["blocks"])

    reply = _click(slack, button, user=STAFF)

    text = block_text(reply["blocks"])
    assert "죄송합니다" in text and "팀장과 관리자만" in text
    assert reply["replace_original"] is False  # the preview stays
    assert slack_api.posts() == []
    assert list(records.db.query("SELECT * FROM digest_posts")) == []

    # An admin may post the same preview.
    assert "게시했습니다" in block_text(_click(slack, button, user=ADMIN, name="c2")["blocks"])
    assert len(slack_api.posts()) == 1


def test_each_channel_gets_the_week_once(slack, slack_api):
    [here] = buttons(_command(slack, "digest 공공일자리팀 2021-05-03")["blocks"])
    [there] = buttons(_command(slack, "digest 공공일자리팀 2021-05-03", channel=TEAM_CHANNEL,
                               name="cmd2")["blocks"])

    _click(slack, here, user=LEAD, name="c1")
    _click(slack, there, user=LEAD, channel=TEAM_CHANNEL, name="c2")
    _click(slack, there, user=LEAD, channel=TEAM_CHANNEL, name="c3")

    assert sorted(p.body["channel"] for p in slack_api.posts()) == sorted([CHANNEL,
                                                                           TEAM_CHANNEL])


def test_without_arguments_the_channel_team_and_this_week_in_seoul(slack):
    # In the team's channel (DIGEST_CHANNELS): that team; elsewhere the department. The
    # clock says Sunday 16:00 UTC, which is Monday in Seoul: the week of 2021-05-03.
    team = _command(slack, "digest", channel=TEAM_CHANNEL)
    assert block_text(team["blocks"][:1]) == ("*공공일자리팀 주간 다이제스트* — "
                                              "2021-05-03(월) ~ 2021-05-09(일)")
    department = _command(slack, "다이제스트", name="cmd2")
    assert block_text(department["blocks"][:1]).startswith("*일자리창출과 주간 다이제스트* — "
                                                           "2021-05-03(월)")
    assert json.loads(buttons(department["blocks"])[0]["value"])["d"] == "2021-05-03"


def test_a_date_alone_and_wrong_arguments(slack, slack_api):
    dated = _command(slack, "digest 2019-02-11")
    assert "일자리창출과 주간 다이제스트* — 2019-02-11(월)" in block_text(dated["blocks"][:1])

    unknown = block_text(_command(slack, "digest 없는팀", name="c2")["blocks"])
    assert "알 수 없는 팀입니다: 없는팀" in unknown and "공공일자리팀" in unknown
    bad = _command(slack, "digest 공공일자리팀 2021-13-01", name="c3")
    assert "날짜 형식이 잘못되었습니다: 2021-13-01" in block_text(bad["blocks"])
    assert buttons(bad["blocks"]) == [] and slack_api.posts() == []


def test_a_refused_post_keeps_the_preview_and_a_later_click_posts(slack, slack_api):
    [button] = buttons(_command(slack, "digest 공공일자리팀 2021-05-03")["blocks"])
    slack_api.fail("chat.postMessage", 200)  # Slack answers ok: false (e.g. not_in_channel)

    failed = _click(slack, button, user=LEAD, name="c1")

    assert "게시하지 못했습니다 (fake_failure)" in block_text(failed["blocks"])
    assert failed["replace_original"] is False  # the button stays, to try again
    assert slack_api.posts() == []
    assert "게시했습니다" in block_text(_click(slack, button, user=LEAD, name="c2")["blocks"])
    assert len(slack_api.posts()) == 1


def test_an_unanswered_post_is_not_repeated(slack, slack_api):
    [button] = buttons(_command(slack, "digest 공공일자리팀 2021-05-03")["blocks"])
    slack_api.fail("chat.postMessage", 500)  # Slack may or may not have posted it

    first = _click(slack, button, user=LEAD, name="c1")
    second = _click(slack, button, user=LEAD, name="c2")

    assert "게시되었는지 알 수 없습니다" in block_text(first["blocks"])
    assert "결과가 확인되지 않았습니다" in block_text(second["blocks"])
    assert len(slack_api.calls_to("chat.postMessage")) == 1  # not even the client retried


def test_a_long_digest_stays_within_slack_limits():
    week = date(2021, 5, 3)
    steps = tuple(
        Milestone(f"사업{n}", f"p{n}", "긴 일정 " * 40 + "<!channel> & <@U1>", week,
                  week + timedelta(days=3), "2021년 5월", "ongoing", "r2020", "인용")
        for n in range(1000))
    digest = Digest("공공일자리팀", week, week + timedelta(days=6), steps, (), None, None, (),
                    ("2020년 업무보고 (2020-11)",))

    message = digest_message(digest, preview_day=week)
    blocks = message.blocks

    _within_limits(message.kwargs())
    assert buttons(blocks)[0]["text"]["text"] == "채널에 게시"  # the button is never cut
    assert "줄을 생략했습니다" in block_text(blocks, "context")
    assert "근거: 2020년 업무보고" in block_text(blocks, "context")
    dump = json.dumps(blocks, ensure_ascii=False) + message.text
    assert "<!channel>" not in dump and "<@U1>" not in dump  # nobody gets pinged
