"""The manifest an admin pastes gives the app exactly what the code uses, and the setup
guide covers the steps."""

from __future__ import annotations

import yaml
from conftest import REPO

from bot import settings


def test_manifest_declares_what_the_app_uses():
    manifest = yaml.safe_load((REPO / "slack-manifest.yml").read_text(encoding="utf-8"))

    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "chat:write", "im:history", "im:read", "im:write", "commands",
        "channels:history", "groups:history", "mpim:history"}
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_mention", "message.im"]
    [command] = manifest["features"]["slash_commands"]
    default = next(s.default for s in settings.SETTINGS if s.name == "SLASH_COMMAND")
    assert command["command"] == default
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs
    assert manifest["features"]["bot_user"]["display_name"]


def test_setup_guide_covers_manifest_tokens_and_serve():
    guide = (REPO / "docs" / "slack-setup.md").read_text(encoding="utf-8")
    for needed in ("slack-manifest.yml", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
                   "SLACK_SIGNING_SECRET", "connections:write", "jobbot serve", "/slack/events"):
        assert needed in guide, needed
