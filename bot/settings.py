"""Every setting, declared once: name, default, help. Read from the environment and `.env`.

`.env.example` documents each one (a test checks that it lists them all).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("KNOWLEDGE_DIR", "", "Folder of the knowledge base (reports.toml, programs/, "
            "sources/). Empty: the knowledge/ folder shipped with the bot (read-only in an "
            "installed package: `jobbot init DIR` copies it to DIR for editing)."),
    Setting("DATA_DIR", "", "Folder for the compiled knowledge databases and the bot's own "
            "records. Empty: var/ beside the knowledge folder; for the copy inside an "
            "installed package, ~/.local/share/jobbot."),
    Setting("SLACK_BOT_TOKEN", "", "Bot token (xoxb-...) from the Slack app's OAuth page."),
    Setting("SLACK_SIGNING_SECRET", "", "Signing secret from the Slack app's Basic "
            "Information page; checks that HTTP requests come from Slack."),
    Setting("SLACK_APP_TOKEN", "", "App-level token (xapp-...) with connections:write. "
            "When set, `jobbot serve` uses Socket Mode (no public URL needed)."),
    Setting("SLACK_API_URL", "", "Base URL of the Slack Web API, e.g. "
            "http://127.0.0.1:8888/api/ for tests. Empty: Slack's own."),
    Setting("SLACK_TIMEOUT", "10", "Seconds to wait for each Slack Web API request. An answer "
            "that times out is never sent again before checking that it did not go out."),
    Setting("SLASH_COMMAND", "/jobs", "Name of the slash command the app answers."),
    Setting("ADMIN_USER_IDS", "", "Comma-separated Slack user IDs of admins (reload, reports)."),
    Setting("TEAM_LEAD_USER_IDS", "", "Comma-separated Slack user IDs of team leads: they "
            "(and admins) may post the weekly digest to a channel."),
    Setting("DIGEST_CHANNELS", "", "Where each team's weekly digest is posted: "
            "team=channel ID pairs, comma-separated, e.g. 공공일자리팀=C0123,일자리창출과=C0789."),
    Setting("DIGEST_SCHEDULE", "", "When `jobbot serve` posts the digests to DIGEST_CHANNELS: "
            "cron fields (minute hour day month weekday), e.g. 0 9 * * MON. Empty: never."),
    Setting("DIGEST_TIMEZONE", "Asia/Seoul", "Time zone of DIGEST_SCHEDULE and of the "
            "digest's week (today's date, Monday to Sunday)."),
    Setting("LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
)


def _dotenv() -> None:
    try:
        from dotenv import load_dotenv
    except ImportError:  # settings still work from the plain environment
        return
    load_dotenv(Path.cwd() / ".env", override=False)


_loaded = False


def get(name: str) -> str:
    """The value of a declared setting (environment first, then .env, then default)."""
    global _loaded
    if not _loaded:
        _dotenv()
        _loaded = True
    for setting in SETTINGS:
        if setting.name == name:
            return os.environ.get(name, setting.default).strip()
    raise KeyError(f"undeclared setting {name}")


def shipped_knowledge_dir() -> Path:
    """The knowledge folder that comes with the bot: package data in an installed package
    (`pip install .` puts knowledge/ at bot/knowledge), else knowledge/ of the checkout."""
    installed = _PACKAGE / "knowledge"
    return installed if installed.is_dir() else _PACKAGE.parent / "knowledge"


def knowledge_dir() -> Path:
    value = get("KNOWLEDGE_DIR")
    return Path(value).expanduser().absolute() if value else shipped_knowledge_dir()


def data_dir() -> Path:
    value = get("DATA_DIR")
    if value:
        return Path(value).expanduser().absolute()
    knowledge = knowledge_dir()
    if knowledge == _PACKAGE / "knowledge":  # never write inside an installed package
        return Path.home() / ".local" / "share" / "jobbot"
    return knowledge.parent / "var"


def knowledge_db(root: str | Path) -> Path:
    """The compiled database of a knowledge folder: DATA_DIR/knowledge.db for the
    configured folder (KNOWLEDGE_DIR, or the shipped one), and a database of its own, named
    after it, for any other folder (`--knowledge COPY`), so that one never overwrites the
    other's."""
    folder = Path(root).expanduser().resolve()
    if folder == knowledge_dir().resolve():
        return data_dir() / "knowledge.db"
    slug = re.sub(r"[^\w-]+", "-", folder.name).strip("-")[:40] or "root"
    digest = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:10]
    return data_dir() / f"knowledge-{slug}-{digest}.db"


def number(name: str) -> float:
    """A setting that is a positive number (its default when it is not one)."""
    try:
        value = float(get(name))
    except ValueError:
        value = 0.0
    if value > 0:
        return value
    return float(next(s.default for s in SETTINGS if s.name == name))


def id_list(name: str) -> frozenset[str]:
    return frozenset(v.strip() for v in get(name).split(",") if v.strip())
