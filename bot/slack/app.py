"""The Bolt app, built by a function (never at import time) from its parts."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from slack_bolt import App

from bot.core.store import KnowledgeStore
from bot.digest_config import DigestConfig
from bot.records import Records

from . import actions, admin, commands, digest, events
from .asking import Asker, EngineSource
from .client import web_client
from .delivery import Patience, Sender
from .deps import Deps
from .intake import Intake
from .jobs import JobStore
from .worker import Jobs


def build_app(source: EngineSource, records: Records, *, token: str, signing_secret: str,
              api_url: str = "", command: str = "/jobs",
              subcommands: Mapping[str, commands.Subcommand] | None = None,
              admins: frozenset[str] = frozenset(),
              digest_config: DigestConfig | None = None,
              process_before_response: bool = False,
              patience: Patience | None = None) -> App:
    """The app answering from `source` (a KnowledgeStore, or a function returning the
    current engine: read at every question, so a reload takes effect at once).

    `records` is the bot's database (the requests being answered, questions, feedback,
    reloads). `admins` are the Slack user IDs allowed to reload and see reports.
    `digest_config`: the weekly digest's channels and team leads (default: none).
    `api_url` points the Web API client elsewhere (tests). By default Slack gets its ack
    at once and the answer is worked out and sent by a pool of threads (`jobs_of(app)`:
    `jobbot serve` starts it, and stops it); `process_before_response` answers before the
    response instead (tests: deterministic). `patience`: timeouts and retries with Slack.

    Calls auth.test (raises slack_bolt.error.BoltError if Slack rejects the token).
    """
    patience = patience or Patience()
    client = web_client(token, api_url, timeout=patience.timeout)
    # Every request is acknowledged by intake's middleware without waiting for anything:
    # no listener of Bolt's runs, so nothing is left to run after the response.
    app = App(name="jobbot", client=client, signing_secret=signing_secret,
              process_before_response=True)
    # Bolt logs a rejected request's whole body at INFO: never let a forged one fill the log.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    jobs = Jobs(JobStore(records), Sender(client, patience), inline=process_before_response)
    intake = Intake(jobs, command)
    deps = Deps(asker=Asker(source), command=command, records=records, admins=admins,
                bot_user_id=client.auth_test().get("user_id"))
    store = source if isinstance(source, KnowledgeStore) else None
    digests = digest.feature(records, token, api_url, digest_config)
    subcommands = {**admin.subcommands(deps, store, records),
                   **digest.subcommands(deps, digests), **(subcommands or {})}
    events.register(intake, deps)
    commands.register(intake, deps, subcommands)
    actions.register(intake, deps)
    admin.register(intake, deps, records)
    digest.register(intake, deps, digests)
    intake.register(app)
    app._jobbot_jobs = jobs  # noqa: SLF001 - read through jobs_of()
    return app


def jobs_of(app: App) -> Jobs:
    """The app's pool of answering threads (start it to serve; stop it at the end)."""
    return app._jobbot_jobs  # noqa: SLF001
