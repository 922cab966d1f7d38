"""Settings are declared once and every one is documented in .env.example."""

from __future__ import annotations

import re

from conftest import REPO

from bot import settings


def test_env_example_lists_every_setting_and_nothing_else():
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    documented = re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.M)
    declared = [s.name for s in settings.SETTINGS]
    assert sorted(documented) == sorted(declared)
    assert len(set(declared)) == len(declared)


def test_each_setting_has_a_comment_and_its_default():
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        block = text.split(f"\n{setting.name}=")[0].rstrip().splitlines()
        assert block[-1].startswith("#"), f"{setting.name} has no comment above it"
        assert setting.help, setting.name
        line = re.search(rf"^{setting.name}=(.*)$", text, flags=re.M).group(1)
        assert line == setting.default, setting.name


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("SLASH_COMMAND", "/jobbot")
    assert settings.get("SLASH_COMMAND") == "/jobbot"
    monkeypatch.delenv("SLASH_COMMAND")
    assert settings.get("SLASH_COMMAND") == "/jobs"
