"""Mentions and DMs: threaded answers with sources, context for follow-ups, what is
ignored, and that nothing posted can ping anyone."""

from __future__ import annotations

from slack_testkit import (
    BOT_ID,
    BOT_USER,
    CHANNEL,
    DM,
    block_text,
    direct_message,
    mention,
)

pytest_plugins = ("slack_testkit",)


def test_mention_is_answered_in_its_thread_with_the_source(slack, slack_api):
    event = mention(f"<@{BOT_USER}> 공공근로 2021년 예산 얼마야?")
    response = slack.event(event)

    assert response.status == 200
    [post] = slack_api.posts()
    assert post.body["channel"] == CHANNEL
    assert post.body["thread_ts"] == event["ts"]  # in the thread of the question
    assert post.headers["authorization"] == "Bearer xoxb-test"
    blocks = post.body["blocks"]
    assert blocks[0]["type"] == "section"
    assert "2,225,633" in blocks[0]["text"]["text"]
    assert "출처" not in block_text(blocks, "section")  # the source has its own line
    source = block_text(blocks, "context")
    assert source.startswith("출처: 2020년 업무보고 (2020-11)") and "“" in source
    assert "2,225,633" in post.body["text"]  # plain-text fallback


def test_mention_inside_a_thread_answers_in_that_thread(slack, slack_api):
    root = "1710000000.999999"
    slack.event(mention(f"<@{BOT_USER}> 일자리카페 몇 시까지 해", thread_ts=root))

    [post] = slack_api.posts()
    assert post.body["thread_ts"] == root
    assert "22:00" in block_text(post.body["blocks"])


def test_follow_up_in_the_same_thread_uses_its_context(slack, slack_api):
    first = mention(f"<@{BOT_USER}> 공공근로 2021년 예산")
    slack.event(first)
    slack.event(mention(f"<@{BOT_USER}> 시비는?", thread_ts=first["ts"]))
    # The same follow-up in another thread knows nothing of the first one.
    slack.event(mention(f"<@{BOT_USER}> 시비는?"))

    first_answer, follow_up, elsewhere = slack_api.posts()
    assert follow_up.body["thread_ts"] == first["ts"]
    assert "1,556,767" in block_text(follow_up.body["blocks"], "section")
    assert "1,556,767" not in elsewhere.body["text"]


def test_direct_message_is_answered_in_the_dm_and_follow_ups_use_its_context(slack, slack_api):
    slack.event(direct_message("공공근로 2021년 예산 얼마야?"))
    slack.event(direct_message("시비는?"))

    first, second = slack_api.posts()
    assert first.body["channel"] == DM and second.body["channel"] == DM
    # A DM is one conversation: answers follow the question, not in a thread of it.
    assert "thread_ts" not in first.body
    assert "2,225,633" in first.body["text"]
    assert "1,556,767" in block_text(second.body["blocks"], "section")


def test_english_question_gets_an_english_answer(slack, slack_api):
    slack.event(direct_message("public works budget 2021"))

    [post] = slack_api.posts()
    assert "budget" in post.body["text"] and "2,225,633" in post.body["text"]
    assert block_text(post.body["blocks"], "context").startswith("Source:")


def test_empty_mention_gets_the_help_text(slack, slack_api):
    event = mention(f"<@{BOT_USER}>")
    slack.event(event)

    [post] = slack_api.posts()
    assert post.body["thread_ts"] == event["ts"]
    text = block_text(post.body["blocks"])
    assert "JobBot입니다" in text and "/jobs programs" in text


def test_unknown_question_says_so(slack, slack_api):
    slack.event(mention(f"<@{BOT_USER}> 주식 시세 알려줘"))

    [post] = slack_api.posts()
    assert "이해하지 못했습니다" in post.body["text"]


def test_the_bots_own_messages_other_bots_and_edits_are_ignored(slack, slack_api):
    ignored = [
        direct_message("공공근로 예산", user=BOT_USER),  # its own answer, echoed to it
        direct_message("공공근로 예산", bot_id=BOT_ID),
        direct_message("공공근로 예산", user="U0OTHERBOT", bot_id="B0OTHER",
                       subtype="bot_message"),
        direct_message("", subtype="message_changed",
                       message={"text": "공공근로 예산", "user": "U0ALICE"}),
        direct_message("", subtype="message_deleted"),
        {**mention(f"<@{BOT_USER}> 공공근로 예산"), "edited": {"user": "U0ALICE", "ts": "1"}},
        # A channel message (not a DM) reaching the message listener.
        {**direct_message("공공근로 예산"), "channel_type": "channel", "channel": CHANNEL},
    ]
    for event in ignored:
        assert slack.event(event).status == 200
    assert slack_api.posts() == []

    slack.event(direct_message("공공근로 2021년 예산"))  # the same app does answer people
    assert len(slack_api.posts()) == 1


def test_broadcasts_and_mentions_in_a_question_never_reach_a_post(slack, slack_api):
    slack.event(mention(f"<@{BOT_USER}> <!channel> <!here> <@U0BOB> 공공근로 2021년 예산"))
    slack.event(direct_message("<!everyone> 서초구 &lt;!here&gt; 일자리 예산"))

    posts = slack_api.posts()
    assert len(posts) == 2
    for post in posts:
        sent = post.dump
        for unsafe in ("<!channel>", "<!here>", "<!everyone>", "<@U0BOB>", "@channel",
                       "@here", "@everyone"):
            assert unsafe not in sent
    assert "2,225,633" in posts[0].body["text"]
