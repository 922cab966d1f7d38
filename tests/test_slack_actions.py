"""Clarify answers carry one button per candidate; a click answers the original question
for that program, where it was asked."""

from __future__ import annotations

import json

from slack_testkit import BOT_USER, CHANNEL, DM, block_text, buttons, direct_message, mention

pytest_plugins = ("slack_testkit",)

AMBIGUOUS = "일자리카페 일자리센터 예산"  # names two programs: the engine asks which


def _posted_message(post) -> dict:
    """The message as Slack would include it in a click's payload."""
    body = post.body
    message = {"type": "message", "ts": "1700000000.000001", "text": body["text"],
               "blocks": body["blocks"], "user": BOT_USER}
    if "thread_ts" in body:
        message["thread_ts"] = body["thread_ts"]
    return message


def test_clarify_in_a_thread_then_a_click_answers_there(slack, slack_api):
    event = mention(f"<@{BOT_USER}> {AMBIGUOUS}")
    slack.event(event)

    [clarify] = slack_api.posts()
    assert clarify.body["thread_ts"] == event["ts"]
    assert "어느 사업" in block_text(clarify.body["blocks"], "section")
    cafe, center = buttons(clarify.body["blocks"])
    assert (cafe["text"]["text"], center["text"]["text"]) == ("일자리카페", "일자리센터")
    assert json.loads(cafe["value"]) == {"q": AMBIGUOUS, "p": "job-cafe"}
    assert cafe["action_id"] != center["action_id"]  # unique within the message

    response = slack.click(cafe, channel=CHANNEL, message=_posted_message(clarify))

    assert response.status == 200
    _, answer = slack_api.posts()
    assert answer.body["channel"] == CHANNEL
    assert answer.body["thread_ts"] == event["ts"]
    blocks = answer.body["blocks"]
    assert block_text(blocks[:1]) == f"질문: {AMBIGUOUS} → 일자리카페"
    assert "일자리카페 2021년 예산" in block_text(blocks, "section")
    assert "16,000천원" in block_text(blocks, "section")
    # No more clarify buttons; the answer carries 👍/👎 instead.
    assert [b["action_id"] for b in buttons(blocks)] == ["feedback:up", "feedback:down"]

    # The thread now continues about the picked program.
    slack.event(mention(f"<@{BOT_USER}> 2020년은?", thread_ts=event["ts"]))
    follow_up = slack_api.posts()[-1]
    assert "일자리카페" in block_text(follow_up.body["blocks"], "section")


def test_clarify_in_a_dm_is_answered_in_the_dm(slack, slack_api):
    slack.event(direct_message(AMBIGUOUS))
    [clarify] = slack_api.posts()
    _, center = buttons(clarify.body["blocks"])

    slack.click(center, channel=DM, message=_posted_message(clarify))

    _, answer = slack_api.posts()
    assert answer.body["channel"] == DM and "thread_ts" not in answer.body
    assert "일자리센터" in block_text(answer.body["blocks"], "section")


def test_clarify_from_a_slash_command_replaces_the_ephemeral_reply(slack, slack_api):
    slack.command(AMBIGUOUS)
    [clarify] = slack_api.responses()
    cafe, _ = buttons(clarify.body["blocks"])

    slack.click(cafe, channel=CHANNEL, message=None, name="click1")

    _, answer = slack_api.responses()
    assert answer.path == "/response/click1"
    assert answer.body["replace_original"] is True
    assert answer.body["response_type"] == "ephemeral"
    assert "16,000천원" in block_text(answer.body["blocks"], "section")
    assert slack_api.posts() == []


def test_a_button_that_is_not_ours_gets_a_polite_note(slack, slack_api):
    button = {"action_id": "clarify:0", "text": {"type": "plain_text", "text": "?"},
              "value": "not json"}
    response = slack.click(button, channel=CHANNEL,
                           message={"type": "message", "ts": "1.2", "thread_ts": "1.1"})

    assert response.status == 200
    [post] = slack_api.posts()
    assert post.body["thread_ts"] == "1.1"
    assert "더 이상 쓸 수 없습니다" in post.body["text"]
