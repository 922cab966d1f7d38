"""The slash command: questions, help, the program list, subcommands, the command name."""

from __future__ import annotations

from slack_testkit import BOT_TOKEN, SECRET, Slack, block_text

from bot.slack.commands import CommandRequest

pytest_plugins = ("slack_testkit",)


def test_question_is_acknowledged_then_answered_through_the_response_url(slack, slack_api):
    response = slack.command("공공근로 2021년 예산 얼마야?", name="q1")

    assert response.status == 200 and response.body == ""  # the empty ack
    [reply] = slack_api.responses()
    assert reply.path == "/response/q1"
    assert reply.body["response_type"] == "ephemeral"
    blocks = reply.body["blocks"]
    # Slack does not show the command's text to anyone: the reply quotes it.
    assert blocks[0]["type"] == "context"
    assert blocks[0]["elements"][0]["text"] == "질문: 공공근로 2021년 예산 얼마야?"
    assert "2,225,633" in block_text(blocks, "section")
    assert "출처: 2020년 업무보고" in block_text(blocks[1:], "context")
    assert slack_api.posts() == []  # nothing in the channel


def test_follow_up_commands_of_one_person_use_context(slack, slack_api):
    slack.command("공공근로 2021년 예산")
    slack.command("시비는?")

    _, follow_up = slack_api.responses()
    assert "1,556,767" in block_text(follow_up.body["blocks"], "section")


def test_help_and_an_empty_command_show_usage(slack, slack_api):
    slack.command("help")
    slack.command("")

    for reply in slack_api.responses():
        text = block_text(reply.body["blocks"])
        assert "JobBot입니다" in text
        assert "`/jobs 질문`" in text and "`/jobs programs`" in text


def test_programs_lists_every_program_with_its_short_name(slack, slack_api, engine):
    slack.command("programs")

    [reply] = slack_api.responses()
    blocks = reply.body["blocks"]
    text = block_text(blocks)
    assert f"사업 {len(engine.kb.programs)}개" in text
    for program in engine.kb.programs.values():
        assert f"*{program.short}* — {program.name}" in text
    assert "*일자리창출과*" in text  # grouped by department
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(blocks) <= 50


def test_broadcast_in_a_command_is_quoted_back_harmlessly(slack, slack_api):
    # As Slack sends it: a typed "&" or "<" arrives as an entity, mentions as markup.
    slack.command("<!channel> <@U0BOB> &amp; &lt;b&gt; 공공근로 2021년 예산")

    [reply] = slack_api.responses()
    quoted = reply.body["blocks"][0]["elements"][0]["text"]
    # (The Latin words make it read as English: "Question: …")
    assert quoted.endswith(": @\u2060channel @U0BOB &amp; &lt;b&gt; 공공근로 2021년 예산")
    for unsafe in ("<!channel>", "<@U0BOB>", "@channel", "<b>"):
        assert unsafe not in reply.dump
    assert "2,225,633" in block_text(reply.body["blocks"], "section")


def test_command_name_and_subcommands_are_configurable(engine, records, slack_api):
    from bot.slack.app import build_app

    def ping(request: CommandRequest):
        from bot.slack.blocks import notice_message

        return notice_message(f"pong {request.args} {request.body['user_id']}")

    app = build_app(lambda: engine, records, token=BOT_TOKEN, signing_secret=SECRET,
                    api_url=slack_api.api_url, command="/jobbot", subcommands={"ping": ping},
                    process_before_response=True)
    slack = Slack(app, slack_api)
    slack.command("ping 1 2", command="/jobbot")
    slack.command("일자리카페 몇 시까지 해", command="/jobbot")
    slack.command("help", command="/jobbot")

    ping_reply, answer, help_reply = slack_api.responses()
    assert block_text(ping_reply.body["blocks"]) == "pong 1 2 U0ALICE"
    assert "22:00" in block_text(answer.body["blocks"])
    assert "`/jobbot programs`" in block_text(help_reply.body["blocks"])
