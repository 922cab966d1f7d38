"""Block Kit rendering: escaping, the source line, Slack's limits, clarify buttons; and
reading Slack's markup into plain questions."""

from __future__ import annotations

import json

import pytest

from bot.core.answer import Answer, Candidate, Source
from bot.slack.blocks import (
    BUTTON_VALUE_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    answer_message,
    button_value,
    read_button_value,
)
from bot.slack.text import escape, fit, strip_mention, to_plain

UNSAFE = ("<!channel>", "<!here>", "<!everyone>", "<@U1>", "@channel", "@here", "@everyone")


def _all_text(message) -> str:
    return json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)


def _check_limits(message) -> None:
    assert len(message.blocks) <= MAX_BLOCKS
    assert len(message.text) <= 3000
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_LIMIT
        for element in block.get("elements", ()):
            if element["type"] == "mrkdwn":
                assert len(element["text"]) <= SECTION_LIMIT


@pytest.mark.parametrize(("slack_text", "plain"), [
    ("<!channel> 공공근로", "@channel 공공근로"),
    ("<@U123|alice> 예산", "@alice 예산"),
    ("<@U123> 예산", "@U123 예산"),
    ("<#C1|general> <https://x.kr|보고서>", "#general 보고서"),
    ("<!subteam^S1|@team> 예산", "@team 예산"),
    ("a &amp; b &lt;c&gt; &amp;lt;", "a & b <c> &lt;"),
])
def test_slack_markup_becomes_plain_text(slack_text, plain):
    assert to_plain(slack_text) == plain


def test_only_the_bots_own_mention_is_removed():
    assert strip_mention("<@UBOT> 공공근로 <@UBOT|jobbot> <@U2>", "UBOT") == "공공근로   <@U2>"


def test_escape_leaves_nothing_that_pings():
    text = escape("<!channel> <@U1> a&b @here @everyone @channelx")
    assert text == ("&lt;!channel&gt; &lt;@U1&gt; a&amp;b @\u2060here @\u2060everyone "
                    "@channelx")


def test_fit_cuts_long_text_outside_entities():
    cut = fit("&" * 5000, 3000)
    assert len(cut) <= 3000 and cut.endswith("&amp;…")
    assert fit("짧다", 3000) == "짧다"


def test_answer_text_from_the_reports_is_escaped_everywhere():
    text = "사업 <!here> & <@U1> @channel\n출처: 보고서 (2020-11) — “<!channel>”"
    answer = Answer("answered", text, program="p",
                    sources=(Source("r", "보고서", "2020-11", "<!channel>"),))
    message = answer_message(answer, "질문 <!everyone>", show_question=True)
    sent = _all_text(message)
    for unsafe in UNSAFE:
        assert unsafe not in sent
    assert "&lt;!here&gt; &amp; &lt;@U1&gt;" in message.blocks[1]["text"]["text"]
    assert all(e.get("verbatim") for b in message.blocks for e in b.get("elements", ()))


def test_a_long_answer_is_split_into_sections_and_cut_with_a_note():
    lines = [f"{n:03d} " + "가" * 95 for n in range(2000)]
    answer = Answer("answered", "\n".join([*lines, "출처: 보고서 (2020-11) — “인용”"]),
                    sources=(Source("r", "보고서", "2020-11", "인용"),))
    message = answer_message(answer, "질문")

    _check_limits(message)
    assert len(message.blocks) == MAX_BLOCKS
    assert message.blocks[-1]["elements"][0]["text"].startswith("출처:")  # never cut
    note = message.blocks[-2]["elements"][0]["text"]
    shown = sum(b["text"]["text"].count("\n") + 1 for b in message.blocks
                if b["type"] == "section")
    assert note == f"(메시지가 길어 {2000 - shown}줄을 생략했습니다. 질문을 좁혀 주세요)"


def test_one_overlong_line_is_cut():
    message = answer_message(Answer("answered", "예" * 7000), "질문")
    _check_limits(message)
    assert message.blocks[0]["text"]["text"].endswith("…")


def test_clarify_gets_one_button_per_candidate_within_slacks_limits():
    candidates = tuple(Candidate(f"p{n}", f"사업 {n}", f"사업{n}" * 20) for n in range(30))
    question = "질문" * 1500  # 3,000 characters
    message = answer_message(Answer("clarify", "어느 사업인가요?", candidates=candidates),
                             question)

    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    ids = [e["action_id"] for a in actions for e in a["elements"]]
    assert len(set(ids)) == 30
    for n, button in enumerate(e for a in actions for e in a["elements"]):
        assert len(button["text"]["text"]) <= 75
        assert len(button["value"]) <= BUTTON_VALUE_LIMIT
        picked_question, program = read_button_value(button["value"])
        assert program == f"p{n}" and question.startswith(picked_question)


def test_button_values_round_trip_and_reject_strangers():
    assert read_button_value(button_value("공공근로 \"예산\"", "public-works")) == (
        "공공근로 \"예산\"", "public-works")
    for bad in ("", "x", "[]", '{"q": 1, "p": "a"}', '{"q": "a"}'):
        assert read_button_value(bad) is None
