"""`jobbot serve`: connect the app to Slack.

Socket Mode when SLACK_APP_TOKEN is set (no public URL needed: the office default);
otherwise Slack's HTTP API on /slack/events through waitress, a production WSGI server
(bolt's own `App.start()` server is for development only). Wrong settings end with a
clear message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
from pathlib import Path

from bot import settings
from bot.messages import slack_texts

EXIT_SETTINGS = 2  # fix something first: the settings, the data folder, the knowledge files
EXIT_FAILED = 1  # Slack or the network failed

_BOT_TOKEN = re.compile(r"xoxb-[0-9A-Za-z-]+")
_APP_TOKEN = re.compile(r"xapp-[0-9A-Za-z-]+")
_SIGNING_SECRET = re.compile(r"[0-9A-Za-z]+")

T = slack_texts("ko")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def check_settings(bot_token: str, signing_secret: str, app_token: str) -> list[str]:
    """What is missing or malformed, as messages for whoever runs the bot."""
    problems = []

    def token(name: str, value: str, pattern: re.Pattern[str], prefix: str) -> None:
        if not value:
            problems.append(T["serve_missing"].format(name=name))
        elif not pattern.fullmatch(value):
            # Show only the start: enough to see a wrong kind of token, not the secret.
            problems.append(T["serve_malformed"].format(name=name, prefix=prefix,
                                                        shown=value[:5]))

    token("SLACK_BOT_TOKEN", bot_token, _BOT_TOKEN, "xoxb-")
    if app_token:
        token("SLACK_APP_TOKEN", app_token, _APP_TOKEN, "xapp-")
    elif not signing_secret:  # HTTP mode checks every request's signature with it
        problems.append(T["serve_missing"].format(name="SLACK_SIGNING_SECRET"))
    if signing_secret and not _SIGNING_SECRET.fullmatch(signing_secret):
        problems.append(T["serve_malformed_secret"])
    return problems


def _build_app(store, records, bot_token: str, signing_secret: str):
    """The app (its start checks the token with auth.test), or None after saying why
    Slack refused or could not be reached."""
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot import digest_config
    from bot.slack.app import build_app
    from bot.slack.delivery import Patience

    try:
        return build_app(store, records, token=bot_token, signing_secret=signing_secret,
                         api_url=settings.get("SLACK_API_URL"),
                         command=settings.get("SLASH_COMMAND"),
                         admins=settings.id_list("ADMIN_USER_IDS"),
                         digest_config=digest_config.load(),  # checked by serve()
                         patience=Patience(timeout=settings.number("SLACK_TIMEOUT")))
    except BoltError as error:  # bolt raises it while handling Slack's SlackApiError
        cause = error.__context__
        code = cause.response.get("error") if isinstance(cause, SlackApiError) else error
        _say(T["serve_auth_failed"].format(error=code))
    except (SlackClientError, OSError) as error:
        _say(T["serve_unreachable"].format(error=error))
    return None


PID_FILE = "serve.pid"  # `jobbot kb reload` finds the running bot here


def _reload_on_sighup(store, records) -> None:
    """SIGHUP (sent by `jobbot kb reload`) reloads the knowledge base, off the signal
    handler's stack: the result is recorded in the bot's database, where the CLI reads it."""
    from bot.admin import reload_knowledge
    from bot.curation import ensure_tables

    ensure_tables(records)

    def reload(_signum, _frame):
        threading.Thread(target=reload_knowledge, args=(store, records, "cli", "signal"),
                         daemon=True).start()
    signal.signal(signal.SIGHUP, reload)


def _write_pid() -> Path:
    path = settings.data_dir() / PID_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(os.getpid()), encoding="ascii")
    return path


def _stop_on_sigterm() -> None:
    """SIGTERM (systemd, docker, a test) ends the process like Ctrl-C: cleanly."""
    def stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)


def _run_socket_mode(app, app_token: str) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError, SlackClientError

    handler = SocketModeHandler(app, app_token)
    try:
        handler.connect()
    except SlackApiError as error:
        _say(T["serve_socket_failed"].format(error=error.response.get("error")))
        return EXIT_FAILED
    except (SlackClientError, OSError) as error:
        _say(T["serve_unreachable"].format(error=error))
        return EXIT_FAILED
    _say(T["serve_socket"])
    _stop_on_sigterm()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
    return 0


def _run_http(app, signing_secret: str, host: str, port: int) -> int:
    from bot.slack.http import PATH, make_server

    try:
        server = make_server(app, signing_secret, host, port)
    except OSError as error:
        _say(T["serve_port_failed"].format(host=host, port=port, error=error))
        return EXIT_FAILED
    _say(T["serve_http"].format(host=host, port=server.effective_port).replace(
        "/slack/events", PATH))
    _stop_on_sigterm()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _log_level() -> str:
    level = settings.get("LOG_LEVEL").upper()
    return level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "INFO"


def serve(host: str, port: int, knowledge: str | None = None) -> int:
    logging.basicConfig(level=_log_level(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return _serve(host, port, knowledge)
    except Exception as error:  # a bug: one line for whoever runs it, details at DEBUG
        logging.getLogger(__name__).debug("serve failed", exc_info=True)
        _say(T["serve_crashed"].format(error=f"{type(error).__name__}: {error}"[:300]))
        return EXIT_FAILED


def _serve(host: str, port: int, knowledge: str | None) -> int:
    bot_token = settings.get("SLACK_BOT_TOKEN")
    signing_secret = settings.get("SLACK_SIGNING_SECRET")
    app_token = settings.get("SLACK_APP_TOKEN")
    from bot import startup
    from bot.digest_config import ConfigError
    from bot.scheduler import setting_problems, start_from_settings

    problems = check_settings(bot_token, signing_secret, app_token) + setting_problems()
    if problems:
        for problem in problems:
            _say(problem)
        return EXIT_SETTINGS

    data_dir = settings.data_dir()
    if not startup.writable_data_dir(data_dir):
        return EXIT_SETTINGS
    store = startup.knowledge_store(Path(knowledge or settings.knowledge_dir()), data_dir)
    if store is None:
        return EXIT_SETTINGS
    records = startup.records(data_dir)
    if records is None:
        return EXIT_SETTINGS
    pid_file = None
    scheduler = None  # the weekly digest's, when DIGEST_SCHEDULE is set
    jobs = None  # the app's answering threads
    try:
        app = _build_app(store, records, bot_token, signing_secret)
        if app is None:
            return EXIT_FAILED
        try:
            scheduler = start_from_settings(lambda: store.engine, records, bot_token,
                                            settings.get("SLACK_API_URL"))
        except ConfigError as error:  # DIGEST_CHANNELS names a team nobody knows
            _say(str(error))
            return EXIT_SETTINGS
        _reload_on_sighup(store, records)
        pid_file = _write_pid()
        from bot.slack.app import jobs_of

        jobs = jobs_of(app)
        taken = jobs.start()  # first: answers a stopped bot left unfinished
        if taken:
            _say(T["serve_recovered"].format(n=taken))
        if app_token:
            return _run_socket_mode(app, app_token)
        return _run_http(app, signing_secret, host, port)
    finally:
        if jobs is not None:
            jobs.stop()  # a send under way ends; what waits stays for the next start
        if scheduler is not None:
            scheduler.stop()  # lets a post under way finish and record how it went
        if pid_file is not None:
            pid_file.unlink(missing_ok=True)
        records.close()
