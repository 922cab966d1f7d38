"""Everything the bot says to people, in one place. Korean first; English when asked
in English. Templates use str.format fields."""

from __future__ import annotations

KO = {
    "lang": "ko",
    "empty": "질문이 비어 있습니다. 예: \"공공근로 2021년 예산 얼마야?\"",
    "too_long": "질문이 너무 깁니다({n}자). {limit}자 이내로 짧게 물어봐 주세요.",
    "garbage": "질문을 읽을 수 없습니다. 한글이나 영어로 다시 물어봐 주세요.",
    "no_match": ("금천구 일자리창출과·도시재생과 사업에 대한 질문으로 이해하지 못했습니다. "
                 "사업 이름과 궁금한 것을 함께 적어 주세요. 예: \"일자리카페 운영시간\", "
                 "\"공공근로 2021년 예산\", \"최근 일자리 창출 달성률\"."),
    "no_match_suggest": "혹시 이 사업인가요? {names}",
    "not_sure": "정확히 맞는 자료를 찾지 못했습니다.",
    "other_place": ("{place} 자료는 없습니다. 저는 금천구 일자리창출과·도시재생과의 "
                    "보고서에 있는 내용만 안내합니다."),
    "clarify": "어느 사업을 말씀하시는지 골라 주세요: {names}",
    "clarify_intent": ("{program}의 무엇이 궁금하신가요? 예산, 일정, 대상, 실적, 장소, "
                       "담당 팀 중에서 물어봐 주세요."),
    "no_data_year": "{program}의 {year}년 {what} 자료는 없습니다. 있는 연도: {years}.",
    "no_data_period": "{program}의 {period} {what} 자료는 없습니다. 있는 기간: {periods}.",
    "no_data": "{program}의 {what} 자료는 보고서에 없습니다.{hint}",
    "no_data_hint": " 이 사업에 대해 있는 자료: {kinds}.",
    "no_source": ("{program} {year}년 예산에는 {source} 항목이 없습니다. "
                  "보고서의 재원 구성은 아래와 같습니다."),
    "umbrella_parts": " 이 사업은 {parts}(으)로 이루어져 있으니, 세부 사업 이름으로 물어봐 주세요.",
    "source": "출처: {report} ({date}) — “{quote}”",
    "source_more": "외 {n}줄",
    "earlier": "이전 보고서({date}): {text}",
    "as_of_report": " ({date} {report} 기준)",
    "more_hint": "(외 {n}건 — '자세히')",
    "later": "더 최근 보고서({date}): {text}",
    "no_data_relative": ("{when}({year}년) 자료는 보고서에 없습니다. 가장 최근 보고서는 "
                         "{report}({date})이고, 그 보고서의 기준 연도는 {latest}년입니다."),
    "no_data_beyond": ("{year}년 자료는 보고서에 없습니다. 보고서에 있는 연도는 "
                       "{first}~{last}년이고, 가장 최근 보고서는 {report}({date})입니다."),
    "when_words": {-3: "3년 전", -2: "재작년", -1: "작년", 0: "올해", 1: "내년"},
    "years_off": "{n}년 전",
    "computed": "계산: {a} → {b}, {change} ({pct}) — 보고서에 있는 두 값으로 계산한 값입니다.",
    "computed_minus": "계산: {a} − {b} = {result} — 보고서에 있는 두 값으로 계산한 값입니다.",
    "computed_share": ("계산: {source} 비중 {part} ÷ {total} = {share} — 보고서의 두 값으로 "
                       "계산한 값입니다."),
    "computed_sum": "계산: {parts} = {total} — 보고서에 있는 값들을 더한 값입니다.",
    "increase": "{v} 증가",
    "decrease": "{v} 감소",
    "no_change": "변화 없음",
    "default_year": "(연도를 말씀하지 않아 최근 보고서의 {year}년 기준으로 답합니다)",
    "latest_year": "({year}년 자료가 없어 있는 가장 최근 연도인 {year2}년 기준입니다)",
    "approx_eok": "약 {n}억원",
    "approx_man": "약 {n}만원",
    "help": ("금천구 일자리창출과 JobBot입니다. 사업 이름과 궁금한 것을 물어보세요.\n"
             "예: \"공공근로 2021년 예산\", \"일자리카페 몇 시까지 해?\", "
             "\"새벽쉼터 누가 이용해?\", \"최근 일자리 창출 달성률\", \"일자리센터 담당 팀\"\n"
             "이어서 \"그럼 2020년은?\", \"시비는?\"처럼 물어도 됩니다."),
    "chat_intro": "JobBot 콘솔입니다. 질문을 입력하세요 (끝내려면 빈 줄에서 Ctrl-D 또는 '종료').",
    "intent": {"budget": "예산", "schedule": "일정", "eligibility": "대상",
               "participants": "인원", "results": "실적", "place": "장소", "team": "담당 팀",
               "contact": "연락처·담당자", "hours": "운영시간",
               "overview": "개요"},
    "stage": {"plan": "계획", "secured": "확보액", "executed": "집행액", "actual": "실적"},
    "source_name": {"national": "국비", "city": "시비", "district": "구비"},
    "field": {"purpose": "목적", "content": "사업내용", "eligibility": "대상", "place": "장소",
              "hours": "운영시간", "period": "기간", "team": "담당 팀", "contact": "담당자",
              "staff": "운영인력", "method": "방법", "basis": "근거", "organizer": "주관",
              "form": "형태", "issue": "문제점", "other": "기타"},
    "half": {1: "상반기", 2: "하반기"},
    "quarter": "{q}분기",
    "year": "{y}년",
    "budget_line": "{program} {year} 예산({stage}): {amount}",
    "budget_label_line": "{program} {label}: {amount}",
    "budget_source_line": "{program} {year} {source}({stage}): {amount} (전체 {total} 중)",
    "split": "국비 {national}, 시비 {city}, 구비 {district}",
    "ratio": "매칭비율: {ratio}",
    "metric_target": "목표 {v}",
    "metric_actual": "실적 {v}",
    "metric_rate": "달성률 {v}%",
    "metric_plan": "계획 {v}",
    "as_of": "{d} 기준",
    "group": "{g}층",
    "milestones_head": "{program} 일정:",
    "info_line": "{program} {field}: {text}",
    "team_line": "{program} 담당: {text}",
    "overview_head": "{program} ({department})",
    "more_facts": "더 물어볼 수 있는 것: {kinds}",
    "kinds": {"budget": "예산", "metric": "실적·인원", "milestone": "일정", "info": "개요"},
    "ongoing": "~ 계속",
}

EN = {
    **KO,
    "lang": "en",
    "empty": "The question is empty. Try: \"public works budget 2021\".",
    "too_long": "The question is too long ({n} characters). Please keep it under {limit}.",
    "garbage": "I could not read that question. Please ask in Korean or English.",
    "no_match": ("I could not tell which Geumcheon-gu job-creation or urban-regeneration "
                 "program you mean. Name the program and what you want to know, e.g. "
                 "\"job cafe hours\", \"public works budget 2021\"."),
    "no_match_suggest": "Did you mean: {names}?",
    "not_sure": "I found nothing that fits exactly.",
    "other_place": ("I have no data on {place}. I only answer from the reports of "
                    "Geumcheon-gu's job-creation and urban-regeneration departments."),
    "clarify": "Which program do you mean? {names}",
    "clarify_intent": ("What would you like to know about {program}? Budget, schedule, "
                       "eligibility, results, place or team."),
    "no_data_year": "There is no {what} for {program} in {year}. Years available: {years}.",
    "no_data_period": ("There is no {what} for {program} for {period}. "
                       "Periods available: {periods}."),
    "no_data": "The reports give no {what} for {program}.{hint}",
    "no_data_hint": " What they do give: {kinds}.",
    "no_source": "The {year} budget of {program} has no {source}. The report's breakdown:",
    "umbrella_parts": " This program consists of {parts}; ask about one of them.",
    "source": "Source: {report} ({date}) — “{quote}”",
    "source_more": "+{n} more lines",
    "earlier": "Earlier report ({date}): {text}",
    "as_of_report": " (as of the {date} {report})",
    "more_hint": "({n} more — say 'more')",
    "later": "More recent report ({date}): {text}",
    "no_data_relative": ("The reports have nothing for {when} ({year}). The latest report is "
                         "{report} ({date}); its reference year is {latest}."),
    "no_data_beyond": ("The reports have nothing for {year}: they cover {first}–{last}, and the "
                       "latest report is {report} ({date})."),
    "when_words": {-3: "three years ago", -2: "two years ago", -1: "last year",
                   0: "this year", 1: "next year"},
    "years_off": "{n} years ago",
    "computed": ("Computed: {a} → {b}, {change} ({pct}), from the two figures the reports "
                 "give."),
    "computed_minus": "Computed: {a} − {b} = {result}, from the two figures the reports give.",
    "computed_share": ("Computed: {source} share {part} ÷ {total} = {share}, from the two "
                       "figures the reports give."),
    "computed_sum": "Computed: {parts} = {total}, the sum of the figures the reports give.",
    "increase": "up {v}",
    "decrease": "down {v}",
    "no_change": "no change",
    "default_year": "(no year given: answering for {year}, the latest report's plan year)",
    "latest_year": "(no data for {year}; showing {year2}, the latest year available)",
    "intent": {"budget": "budget", "schedule": "schedule", "eligibility": "eligibility",
               "participants": "participants", "results": "results", "place": "place",
               "team": "team", "contact": "contact", "hours": "hours", "overview": "overview"},
    "stage": {"plan": "plan", "secured": "secured", "executed": "executed",
              "actual": "actual"},
    "source_name": {"national": "national funds", "city": "city funds",
                    "district": "district funds"},
    "field": {"purpose": "purpose", "content": "content", "eligibility": "eligibility",
              "place": "place", "hours": "hours", "period": "period", "team": "team",
              "contact": "contact", "staff": "staff", "method": "how to apply",
              "basis": "legal basis", "organizer": "organizer", "form": "form",
              "issue": "issues", "other": "other"},
    "half": {1: "H1", 2: "H2"},
    "quarter": "Q{q}",
    "year": "{y}",
    "budget_line": "{program} budget {year} ({stage}): {amount}",
    "budget_label_line": "{program} {label}: {amount}",
    "budget_source_line": "{program} {year} {source} ({stage}): {amount} (of {total})",
    "split": "national {national}, city {city}, district {district}",
    "ratio": "matching ratio: {ratio}",
    "metric_target": "target {v}",
    "metric_actual": "actual {v}",
    "metric_rate": "rate {v}%",
    "metric_plan": "planned {v}",
    "as_of": "as of {d}",
    "group": "{g}",
    "milestones_head": "{program} schedule:",
    "info_line": "{program} {field}: {text}",
    "team_line": "{program} is run by: {text}",
    "overview_head": "{program} ({department})",
    "more_facts": "You can also ask about: {kinds}",
    "kinds": {"budget": "budget", "metric": "results", "milestone": "schedule",
              "info": "overview"},
}


def texts(lang: str) -> dict:
    return EN if lang == "en" else KO


# ---- Slack ------------------------------------------------------------------------------
# What the Slack app and `jobbot serve` say. Answers keep the engine's own text (above);
# these are the Slack-only additions around them.

SLACK_KO = {
    "question": "질문: {question}",
    "picked": "질문: {question} → {program}",
    "cut": "(메시지가 길어 {n}줄을 생략했습니다. 질문을 좁혀 주세요)",
    "help_usage": ("채널에서는 @JobBot을 부르고 질문하세요. 같은 스레드에서 이어서 물으면 앞의 "
                   "질문을 이어받습니다. DM으로 물어도 됩니다.\n"
                   "`{command} 질문` 답하기 · `{command} programs` 사업 목록 · "
                   "`{command} help` 이 도움말 · "
                   "`{command} digest [팀] [날짜]` 주간 다이제스트 미리보기\n"
                   "관리자: `{command} reload` 지식베이스 다시 불러오기 · "
                   "`{command} reload history` 기록 · `{command} unanswered [일수]` 못 답한 질문"),
    "programs_head": "사업 {n}개입니다. 질문에는 굵게 쓴 짧은 이름을 쓰면 됩니다.",
    "program_line": "• *{short}* — {name}",
    "department_head": "*{department}*",
    "button_invalid": "이 버튼은 더 이상 쓸 수 없습니다. 질문을 다시 해 주세요.",
    "feedback_up": "👍 도움됨",
    "feedback_down": "👎 틀림·부족",
    "feedback_thanks": "의견 고맙습니다. 관리자가 지식베이스를 고칠 때 참고합니다.",
    "admin_only": ("죄송하지만 이 명령은 관리자만 쓸 수 있습니다. 필요하시면 일자리창출과 "
                   "JobBot 관리자에게 요청해 주세요."),
    "reload_unavailable": "이 봇은 지식베이스를 다시 불러올 수 없는 방식으로 실행 중입니다.",
    "reload_history_head": "최근 지식베이스 다시 불러오기 {n}건:",
    "reload_history_empty": "지식베이스를 다시 불러온 기록이 없습니다.",
    "error": "답을 만드는 중 문제가 생겼습니다. 잠시 뒤 다시 물어봐 주세요.",
    # `jobbot serve`, for whoever runs the bot
    "serve_missing": ("{name}이(가) 설정되지 않았습니다. .env 파일이나 환경변수에 넣어 "
                      "주세요 (설정 방법: docs/slack-setup.md)."),
    "serve_malformed": ("{name} 값의 형식이 잘못되었습니다: '{prefix}'로 시작하는 토큰이어야 "
                        "합니다 (지금 값은 '{shown}'로 시작). Slack 앱 설정 화면에서 다시 "
                        "복사해 주세요."),
    "serve_malformed_secret": ("SLACK_SIGNING_SECRET 값의 형식이 잘못되었습니다: 영문자와 숫자로만 "
                               "된 값이어야 합니다 (Basic Information 페이지의 Signing Secret)."),
    "serve_auth_failed": ("Slack 인증에 실패했습니다 ({error}). SLACK_BOT_TOKEN이 맞는지, 앱이 "
                          "워크스페이스에 설치되어 있는지 확인해 주세요."),
    "serve_unreachable": ("Slack에 연결하지 못했습니다 ({error}). 네트워크(프록시)와 "
                          "SLACK_API_URL을 확인해 주세요."),
    "serve_socket_failed": ("Socket Mode 연결에 실패했습니다 ({error}). SLACK_APP_TOKEN에 "
                            "connections:write 권한이 있는지 확인해 주세요."),
    "serve_port_failed": "{host}:{port}에서 요청을 받을 수 없습니다 ({error}).",
    "serve_knowledge_failed": "지식베이스 검사에 실패했고, 이전에 빌드한 데이터베이스도 없습니다.",
    "serve_knowledge_stale": ("경고: 지식베이스 파일에 오류가 있어 이전에 빌드한 데이터베이스로 "
                              "답합니다."),
    "serve_http": "JobBot이 http://{host}:{port}/slack/events 에서 Slack 요청을 받습니다.",
    "serve_recovered": "멈췄던 봇이 끝내지 못한 Slack 요청 {n}건을 이어서 답합니다.",
    "serve_data_readonly": ("데이터 폴더 {path}에 쓸 수 없습니다 ({error}). 읽기 전용이거나 권한이 "
                            "없습니다. 폴더 권한을 고치거나 DATA_DIR을 쓸 수 있는 폴더로 바꾼 뒤 "
                            "다시 시작해 주세요."),
    "serve_data_full": ("데이터 폴더 {path}의 디스크가 가득 찼습니다 ({error}). 공간을 비우거나 "
                        "DATA_DIR을 여유 있는 디스크로 바꾼 뒤 다시 시작해 주세요."),
    "serve_data_failed": ("데이터 폴더 {path}를 쓸 수 없습니다 ({error}). DATA_DIR 설정과 "
                          "디스크를 확인해 주세요."),
    "serve_records_corrupt": ("봇 기록 데이터베이스 {path}가 손상되었습니다 ({error}). 파일을 "
                              "다른 곳으로 옮겨 두고 다시 시작하면 새로 만듭니다 (그동안의 "
                              "질문·피드백 기록은 옮긴 파일에 남습니다)."),
    "serve_kb_rebuilt": ("경고: 지식베이스 데이터베이스 {path}가 손상되어({error}) 지식 파일에서 "
                         "다시 만들었습니다."),
    "serve_kb_corrupt": ("지식베이스 데이터베이스 {path}가 손상되었고({error}), 지식 파일에 위의 "
                         "오류가 있어 다시 만들 수도 없습니다. 오류가 난 파일을 고친 뒤 "
                         "(`jobbot kb validate`로 확인) 다시 시작해 주세요."),
    "serve_crashed": ("예상하지 못한 오류로 봇을 시작하지 못했습니다 ({error}). LOG_LEVEL=DEBUG로 "
                      "다시 실행하면 자세한 내용이 기록됩니다."),
    # the log, while serving (said once each)
    "records_failing": ("bot.db에 기록하지 못합니다 ({error}). 답은 계속 보내지만, 질문 기록과 "
                        "중복 답변 방지는 이 프로세스의 메모리로만 합니다. 데이터 폴더의 "
                        "디스크 공간과 권한을 확인해 주세요."),
    "records_recovered": "bot.db에 다시 기록합니다.",
    # the admins' report (`/jobs unanswered`, `jobbot report unanswered`)
    "undelivered_head": "Slack에 보내지 못한 답 {n}건 (질문한 분께 직접 알려 주세요):",
    "undelivered_line": "· {at} {user} “{text}” — {state} ({error})",
    "undelivered_state": {"failed": "보내지 못함",
                          "uncertain": "전송 여부 불확실(다시 보내지 않음)",
                          "expired": "봇이 멈춰 답하지 못함"},
    "serve_socket": "JobBot이 Socket Mode로 Slack에 연결합니다.",
}

SLACK_EN = {
    **SLACK_KO,
    "question": "Question: {question}",
    "picked": "Question: {question} → {program}",
    "cut": "({n} more lines left out: the message was too long. Please narrow the question.)",
    "error": "Something went wrong while answering. Please ask again in a moment.",
}


def slack_texts(lang: str) -> dict:
    return SLACK_EN if lang == "en" else SLACK_KO


# ---- Weekly digest ----------------------------------------------------------------------
# The digest's own text is in bot.core.digest (render_text); these are the words around it:
# the Slack preview and its button, who may post, what happened, and the settings' errors.

DIGEST = {
    "post_button": "채널에 게시",
    "preview_note": ("미리보기입니다 (나에게만 보입니다). ‘채널에 게시’를 누르면 이 채널의 모두가 "
                     "봅니다. 게시는 팀장과 관리자만 할 수 있고, 한 주에 한 번만 됩니다."),
    "confirm_title": "다이제스트 게시",
    "confirm_text": "{scope} 주간 다이제스트({week})를 이 채널에 게시할까요?",
    "confirm_yes": "게시",
    "confirm_no": "취소",
    "cut": "(길어서 {n}줄을 생략했습니다. 팀을 지정하면 짧아집니다)",
    "refused": ("죄송합니다. 다이제스트를 채널에 게시하는 것은 팀장과 관리자만 할 수 있습니다. "
                "게시가 필요하시면 팀장님께 부탁해 주세요. 미리보기는 언제든 보실 수 있습니다."),
    "unknown_team": "알 수 없는 팀입니다: {team}. 가능한 값: {known}",
    "bad_date": "날짜 형식이 잘못되었습니다: {value} (예: 2021-05-03)",
    # What became of a post, in Slack (the channel is the one the button is in)
    "posted": "{scope} 주간 다이제스트({week})를 이 채널에 게시했습니다.",
    "already_posted": ("{scope} 주간 다이제스트({week})는 이미 이 채널에 게시되었습니다 ({at}). "
                       "한 주에 한 번만 게시합니다."),
    "already_pending": ("{scope} 주간 다이제스트({week})는 다른 곳에서 게시를 시작했지만 결과가 "
                        "확인되지 않았습니다. 채널에 올라왔는지 확인해 주시고, 올라오지 않았다면 "
                        "관리자에게 알려 주세요."),
    "failed": ("게시하지 못했습니다 ({error}). 봇이 이 채널에 초대되어 있는지(/invite @JobBot) "
               "확인한 뒤 다시 눌러 주세요."),
    "uncertain": ("Slack의 응답을 받지 못해 게시되었는지 알 수 없습니다 ({error}). 두 번 올라가지 "
                  "않도록 다시 게시하지 않습니다. 채널을 확인하시고, 올라오지 않았다면 관리자에게 "
                  "알려 주세요."),
    # `jobbot digest --post`: one line per team
    "cli_posted": "게시함: {scope} → {channel} ({week}, ts {ts})",
    "cli_already_posted": "이미 게시됨: {scope} → {channel} ({week}, {at})",
    "cli_already_pending": ("게시 결과 미확인: {scope} → {channel} ({week}) — 다른 실행이 게시 중"
                            "이거나 도중에 멈췄습니다. 채널을 확인해 주세요."),
    "cli_failed": ("실패: {scope} → {channel} ({week}): {error} — 다시 실행하면 다시 "
                   "시도합니다."),
    "cli_uncertain": ("결과 불명: {scope} → {channel} ({week}): {error} — 두 번 올라가지 않도록 "
                      "다시 시도하지 않습니다. 채널을 확인해 주세요."),
    "cli_no_token": "게시하려면 SLACK_BOT_TOKEN이 필요합니다 (.env 파일이나 환경변수).",
    "cli_no_channel": "{scope}의 게시 채널이 DIGEST_CHANNELS에 없습니다.",
    "cli_no_channels": ("DIGEST_CHANNELS가 비어 있어 게시할 팀이 없습니다. "
                        "예: DIGEST_CHANNELS=공공일자리팀=C0123ABC,일자리창출과=C0456DEF"),
    # Settings (`jobbot serve`, `jobbot digest --post`)
    "bad_channels": ("DIGEST_CHANNELS 항목이 잘못되었습니다: '{item}'. '팀이름=채널ID'를 쉼표로 "
                     "이어 써 주세요 (채널 ID는 C나 G로 시작, 예: 공공일자리팀=C0123ABC)."),
    "duplicate_channel": "DIGEST_CHANNELS에 {scope}이(가) 두 번 있습니다.",
    "bad_timezone": "DIGEST_TIMEZONE 값을 알 수 없습니다: '{value}' (예: Asia/Seoul).",
    "bad_schedule": ("DIGEST_SCHEDULE 값이 잘못되었습니다: '{value}' ({error}). cron 형식 "
                     "'분 시 일 월 요일'로 써 주세요 (예: 0 9 * * MON)."),
    "no_channels": ("DIGEST_SCHEDULE이 설정되었지만 DIGEST_CHANNELS가 비어 있어 게시할 곳이 "
                    "없습니다."),
    "unknown_scopes": "DIGEST_CHANNELS의 팀을 알 수 없습니다: {scopes}. 가능한 값: {known}",
    "scheduled": "주간 다이제스트 예약: '{schedule}' ({timezone}), 다음 게시 {next}",
}
