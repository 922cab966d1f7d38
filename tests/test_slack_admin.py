"""Admins in Slack: /jobs reload (and its history), /jobs unanswered, 👍/👎 feedback;
everyone else gets a polite refusal, and every attempt is recorded."""

from __future__ import annotations

import shutil

import pytest
from conftest import KNOWLEDGE
from slack_testkit import (
    BOT_TOKEN,
    CHANNEL,
    SECRET,
    Slack,
    block_text,
    buttons,
    command_body,
    mention,
)

from bot.core.store import KnowledgeStore
from bot.curation import reload_history

pytest_plugins = ("slack_testkit",)

ADMIN = "U0ADMIN"


@pytest.fixture
def kb_root(tmp_path):
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("notes"))
    return root


@pytest.fixture
def admin_slack(kb_root, tmp_path, records, slack_api) -> Slack:
    from bot.slack.app import build_app

    store = KnowledgeStore(kb_root, tmp_path / "data")
    store.load()
    app = build_app(store, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, admins=frozenset({ADMIN}),
                    process_before_response=True)
    return Slack(app, slack_api)


def command(slack: Slack, text: str, user: str, name: str) -> str:
    body = command_body(text, slack.api.response_url(name), user=user)
    assert slack.send(body, "application/x-www-form-urlencoded").status == 200
    [reply] = [c for c in slack.api.responses() if c.path == f"/response/{name}"]
    return block_text(reply.body["blocks"])


def test_admin_reloads_and_sees_the_summary(admin_slack, kb_root, records):
    path = kb_root / "programs" / "public-works.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "total = 2225633\ncity = 1556767\ndistrict = 668866",
        "total = 2448197\ncity = 1712444\ndistrict = 735753"), encoding="utf-8")
    text = command(admin_slack, "reload", ADMIN, "r1")
    assert "다시 불러왔습니다" in text and "total 2225633→2448197" in text
    admin_slack.event(mention("<@UBOT> 공공근로 2021년 예산"))
    assert "2,448,197" in block_text(admin_slack.api.posts()[-1].body["blocks"])
    [row] = reload_history(records)
    assert (row["user"], row["via"], row["result"]) == (ADMIN, "slack", "ok")
    history = command(admin_slack, "reload history", ADMIN, "r2")
    assert ADMIN in history and "ok" in history


def test_non_admin_is_refused_and_recorded(admin_slack, kb_root, records):
    (kb_root / "programs" / "job-cafe.toml").unlink()
    text = command(admin_slack, "reload", "U0ALICE", "r1")
    assert "관리자만" in text
    admin_slack.event(mention("<@UBOT> 일자리카페 예산"))  # not reloaded: still known
    assert "16,000천원" in block_text(admin_slack.api.posts()[-1].body["blocks"])
    [row] = reload_history(records)
    assert (row["user"], row["result"]) == ("U0ALICE", "refused")
    assert "관리자만" in command(admin_slack, "unanswered", "U0ALICE", "r2")


def test_broken_files_keep_serving_and_admin_gets_file_and_line(admin_slack, kb_root):
    path = kb_root / "programs" / "dawn-shelter.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("total = 75240",
                                                             "total = 75241"),
                    encoding="utf-8")
    text = command(admin_slack, "reload", ADMIN, "r1")
    assert "오류 1건" in text and "programs/dawn-shelter.toml:" in text and "75241" in text
    admin_slack.event(mention("<@UBOT> 새벽쉼터 2021 예산"))
    assert "75,240" in block_text(admin_slack.api.posts()[-1].body["blocks"])


def test_unanswered_report_groups_similar_questions(admin_slack):
    for text in ("주식 시세 알려줘", "주식 시세", "주식시세 알려 줘", "공공근로 2030년 예산"):
        admin_slack.event(mention(f"<@UBOT> {text}"))
    report = command(admin_slack, "unanswered 7", ADMIN, "r1")
    assert "주식 시세" in report and "3회" in report and "no_data 1" in report


def test_feedback_buttons_are_recorded(admin_slack, records):
    admin_slack.event(mention("<@UBOT> 일자리카페 몇 시까지 해"))
    post = admin_slack.api.posts()[-1]
    down = next(b for b in buttons(post.body["blocks"]) if b["action_id"] == "feedback:down")
    message = {"ts": post.body.get("ts", "1700000000.000001"), "text": post.body["text"]}
    admin_slack.click(down, channel=CHANNEL, message=message)
    [thanks] = admin_slack.api.calls_to("chat.postEphemeral")
    assert thanks.body["user"] == "U0ALICE" and "고맙습니다" in thanks.body["text"]
    row = records.db.execute("SELECT vote, user FROM feedback").fetchall()
    assert row == [(-1, "U0ALICE")]
    report = command(admin_slack, "unanswered", ADMIN, "r1")
    assert "일자리카페 몇 시까지 해" in report and "👎" in report


def test_no_match_answers_have_no_feedback_buttons_but_are_recorded(admin_slack, records):
    admin_slack.event(mention("<@UBOT> 오늘 날씨 어때"))
    post = admin_slack.api.posts()[-1]
    assert buttons(post.body["blocks"]) == []
    rows = records.db.execute("SELECT text, status, user, channel FROM questions").fetchall()
    assert rows == [("오늘 날씨 어때", "no_match", "U0ALICE", CHANNEL)]
