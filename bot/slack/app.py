"""The Bolt app, built by a function (never at import time) from its parts."""

from __future__ import annotations

from collections.abc import Mapping

from slack_bolt import App

from bot.core.store import KnowledgeStore
from bot.digest_config import DigestConfig
from bot.records import Records

from . import actions, admin, commands, dedupe, digest, events
from .asking import Asker, EngineSource
from .client import web_client
from .deps import Deps
from .post import Poster


def build_app(source: EngineSource, records: Records, *, token: str, signing_secret: str,
              api_url: str = "", command: str = "/jobs",
              subcommands: Mapping[str, commands.Subcommand] | None = None,
              admins: frozenset[str] = frozenset(),
              digest_config: DigestConfig | None = None,
              process_before_response: bool = False) -> App:
    """The app answering from `source` (a KnowledgeStore, or a function returning the
    current engine: read at every question, so a reload takes effect at once).

    `records` is the bot's database (retry-safe event handling, questions, feedback,
    reloads). `admins` are the Slack user IDs allowed to reload and see reports.
    `digest_config`: the weekly digest's channels and team leads (default: none).
    `api_url` points the Web API client elsewhere (tests). `process_before_response` runs
    listeners before the HTTP response (tests: deterministic); by default Slack gets its
    ack first.

    Calls auth.test (raises slack_bolt.error.BoltError if Slack rejects the token).
    """
    client = web_client(token, api_url)
    app = App(name="jobbot", client=client, signing_secret=signing_secret,
              process_before_response=process_before_response)
    deps = Deps(asker=Asker(source), poster=Poster(client), command=command, records=records,
                admins=admins)
    store = source if isinstance(source, KnowledgeStore) else None
    digests = digest.feature(records, token, api_url, digest_config)
    subcommands = {**admin.subcommands(deps, store, records),
                   **digest.subcommands(deps, digests), **(subcommands or {})}
    dedupe.register(app, records)  # middleware first: a duplicate never reaches a listener
    events.register(app, deps)
    commands.register(app, deps, subcommands)
    actions.register(app, deps)
    admin.register(app, deps, records)
    digest.register(app, deps, digests)
    return app
