"""How the app runs: Slack gets its acknowledgement before the answer is worked out, the
engine is read at every question (a reload takes effect at once), and conversation
memory is bounded."""

from __future__ import annotations

import shutil
import threading

from conftest import KNOWLEDGE
from slack_testkit import BOT_TOKEN, BOT_USER, SECRET, Slack, block_text, mention

from bot.core.store import KnowledgeStore
from bot.slack.app import build_app
from bot.slack.asking import Conversations

pytest_plugins = ("slack_testkit",)


def test_requests_are_acknowledged_before_the_answer_is_ready(engine, records, slack_api):
    """The default mode (as served): listeners run after the ack. The engine source waits
    until the test lets it go, so the answer cannot have been made before the ack."""
    gate = threading.Event()

    def current_engine():
        gate.wait(10)
        return engine

    app = build_app(current_engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url)
    slack = Slack(app, slack_api)

    event_ack = slack.event(mention(f"<@{BOT_USER}> 공공근로 2021년 예산"))
    command_ack = slack.command("일자리카페 몇 시까지 해")
    assert event_ack.status == command_ack.status == 200
    assert slack_api.posts() == [] and slack_api.responses() == []

    gate.set()
    [post] = slack_api.wait_for("chat.postMessage")
    [reply] = slack_api.wait_for("/response/r1")
    assert "2,225,633" in post.body["text"] and "22:00" in reply.body["text"]


def test_a_reloaded_knowledge_base_answers_the_next_question(kb_dir, tmp_path, records,
                                                            slack_api):
    # Plus the shipped 새벽쉼터 file: the database build needs at least one fact of each
    # type, and the fixture's tiny program has no metrics.
    shutil.copy(KNOWLEDGE / "programs" / "dawn-shelter.toml", kb_dir / "programs")
    store = KnowledgeStore(kb_dir, tmp_path / "data")
    assert store.load().engine is not None  # no 노동권익 보호 yet
    slack = Slack(build_app(store, records, token=BOT_TOKEN, signing_secret=SECRET,
                            api_url=slack_api.api_url, process_before_response=True), slack_api)

    slack.command("노동권익 보호 2021년 예산")
    shutil.copy(KNOWLEDGE / "programs" / "labor-rights.toml", kb_dir / "programs")
    assert store.reload().problems == []
    slack.command("노동권익 보호 2021년 예산")

    before, after = slack_api.responses()
    assert "329,750" not in before.body["text"]
    assert "329,750" in block_text(after.body["blocks"], "section")


def test_conversation_memory_is_bounded_and_keeps_the_recent_ones():
    conversations = Conversations(max_items=2)
    conversations.put(("C1", "1"), "a")
    conversations.put(("C1", "2"), "b")
    assert conversations.get(("C1", "1")) == "a"  # now the most recent
    conversations.put(("C1", "3"), "c")

    assert len(conversations) == 2
    assert conversations.get(("C1", "2")) is None
    assert conversations.get(("C1", "1")) == "a" and conversations.get(("C1", "3")) == "c"
