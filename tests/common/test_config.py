"""README.md's configuration table and services/common/config.py name the same variables, with the
same defaults; nothing else in the code reads the environment."""

import re
import subprocess
from pathlib import Path

from services.common import config

ROOT = Path(__file__).resolve().parents[2]


def readme_table() -> dict[str, str]:
    """variable → default, from the rows of README.md's "Configuration" table."""
    section = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1]) or [cells[1]]
        if len(defaults) == 1:
            defaults *= len(names)
        assert len(defaults) == len(names), line
        table.update(zip(names, defaults, strict=True))
    return table


def test_readme_lists_every_setting_and_no_other():
    assert set(readme_table()) == {setting.name for setting in config.SETTINGS}


def test_readme_shows_each_default():
    table = readme_table()
    assert {s.name: s.shown_default for s in config.SETTINGS} == {
        s.name: table[s.name] for s in config.SETTINGS
    }


def test_only_the_config_module_reads_the_environment():
    found = subprocess.run(
        [
            "git",
            "grep",
            "-n",
            "-E",
            r"os\.environ\.get|os\.getenv|os\.environ\[",
            "--",
            "services",
            "gateway",
            "setlist",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    assert [line for line in found if not line.startswith("services/common/config.py:")] == []


def test_defaults_and_overrides(monkeypatch):
    monkeypatch.delenv("EVENTS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SETLIST_VAR", "/tmp/setlist-var")
    assert config.database_url("events") == "sqlite:////tmp/setlist-var/events.db"
    monkeypatch.setenv("EVENTS_DATABASE_URL", "postgresql+psycopg2://db/events")
    assert config.database_url("events") == "postgresql+psycopg2://db/events"
    monkeypatch.setenv("METRICS_PORT", "")
    assert config.METRICS_PORT.value() == 0
    monkeypatch.setenv("GATEWAY_INSTANCES", "0")
    assert config.instances("gateway") == 1
    monkeypatch.setenv("WEBSOCKET_REORDER_SECONDS", "0.5")
    assert config.WEBSOCKET_REORDER_SECONDS.value() == 0.5
