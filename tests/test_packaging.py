"""A plain (non-editable) `pip install .` works: the knowledge folder ships as package
data, the data goes to ~/.local/share/jobbot (never inside the package), and `jobbot init`
copies the shipped folder for editing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project installed, not editable, into a folder of its own (no dependencies:
    those of this environment serve)."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "var", "build")
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for name in ("bot", "knowledge"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    site = tmp / "site"
    out = _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                str(site), str(source)], dict(os.environ), tmp)
    assert out.returncode == 0, out.stderr
    return site


def _env(site: Path, home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(site),
            "DATA_DIR": "", "KNOWLEDGE_DIR": "", **extra}


def test_installed_package_answers_from_its_shipped_knowledge(installed, tmp_path):
    before = sorted(p.relative_to(installed) for p in installed.rglob("*")
                    if "__pycache__" not in p.parts)
    shipped = installed / "bot" / "knowledge"
    assert sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file()) == \
        sorted(p.relative_to(REPO / "knowledge") for p in (REPO / "knowledge").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts)
    env = _env(installed, tmp_path / "home")
    where = _run([sys.executable, "-c", "import bot; print(bot.__file__)"], env, tmp_path)
    assert where.stdout.strip() == str(installed / "bot" / "__init__.py")
    out = _run([sys.executable, "-m", "bot", "ask", "공공근로 2021년 예산 얼마야?"], env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "2,225,633천원" in out.stdout
    assert (tmp_path / "home" / ".local" / "share" / "jobbot" / "knowledge.db").is_file()
    after = sorted(p.relative_to(installed) for p in installed.rglob("*")
                   if "__pycache__" not in p.parts)
    assert after == before  # nothing written inside the installed package


def test_init_copies_the_shipped_knowledge_for_editing(installed, tmp_path):
    env = _env(installed, tmp_path / "home")
    target = tmp_path / "my-knowledge"
    out = _run([sys.executable, "-m", "bot", "init", str(target)], env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"KNOWLEDGE_DIR={target}" in out.stdout
    assert (target / "reports.toml").is_file() and (target / "sources").is_dir()
    validate = _run([sys.executable, "-m", "bot", "kb", "validate"],
                    {**env, "KNOWLEDGE_DIR": str(target)}, tmp_path)
    assert validate.returncode == 0 and validate.stdout.startswith("OK"), validate.stderr
    again = _run([sys.executable, "-m", "bot", "init", str(target)], env, tmp_path)
    assert again.returncode == 1 and str(target) in again.stderr
    assert "Traceback" not in again.stderr


def test_every_package_of_the_source_is_installed():
    """pyproject lists the packages (bot.knowledge is mapped from knowledge/, its folders
    are packages of data): a new sub-package or knowledge folder must be listed too."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "bot").rglob(
        "__init__.py")}
    folders = {"bot.knowledge", *("bot.knowledge." + p.name for p in (REPO / "knowledge")
                                  .iterdir() if p.is_dir())}
    assert found <= listed and listed - found == folders
