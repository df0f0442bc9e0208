"""Jellyfin's play-state rules with concrete tick values (1 tick = 100 ns)."""

import pytest

from services.playstate.rules import Item, Outcome, Thresholds, played_percentage, position_outcome

RULES = Thresholds()
HOUR = Item("a" * 32, 36_000_000_000, resumable=True)  # 5 % = 1.8e9, 90 % = 32.4e9
SHORT = Item("b" * 32, 2_000_000_000, resumable=True)  # 200 s
SONG = Item("c" * 32, 1_800_000_000, resumable=False)  # 180 s
UNKNOWN = Item("d" * 32, None, resumable=True)


@pytest.mark.parametrize(
    "item, position, expected",
    [
        (HOUR, 0, Outcome(0, False)),
        (HOUR, 1_799_999_999, Outcome(0, False)),  # below 5 %
        (HOUR, 1_800_000_000, Outcome(1_800_000_000, False)),  # 5 % exactly: resumable
        (HOUR, 18_000_000_000, Outcome(18_000_000_000, False)),
        (HOUR, 32_400_000_000, Outcome(32_400_000_000, False)),  # 90 % exactly
        (HOUR, 32_400_000_001, Outcome(0, True)),  # above 90 %
        (HOUR, 36_000_000_000, Outcome(0, True)),  # at the end
        (HOUR, 40_000_000_000, Outcome(0, True)),  # past the end
        (SHORT, 99_999_999, Outcome(0, False)),
        (SHORT, 1_000_000_000, Outcome(0, True)),  # under 300 s: played
        (SONG, 900_000_000, Outcome(0, True)),  # a song never keeps a position
        (SONG, 36_000_000, Outcome(0, False)),
        (UNKNOWN, 50_000_000, Outcome(0, True)),
        (UNKNOWN, 0, Outcome(0, True)),
    ],
)
def test_position_outcome(item, position, expected):
    assert position_outcome(position, item, RULES) == expected


def test_thresholds_are_configurable(monkeypatch):
    monkeypatch.setenv("PLAYSTATE_MIN_RESUME_PCT", "10")
    monkeypatch.setenv("PLAYSTATE_MAX_RESUME_PCT", "80")
    monkeypatch.setenv("PLAYSTATE_MIN_RESUME_DURATION_SECONDS", "100")
    custom = Thresholds.from_env()
    assert custom == Thresholds(10, 80, 100)
    assert position_outcome(3_000_000_000, HOUR, custom) == Outcome(0, False)  # 8.3 %
    assert position_outcome(30_000_000_000, HOUR, custom) == Outcome(0, True)  # 83 %
    assert position_outcome(1_000_000_000, SHORT, custom) == Outcome(1_000_000_000, False)


def test_played_percentage():
    assert played_percentage(9_000_000_000, HOUR) == 25.0
    assert played_percentage(0, HOUR) is None
    assert played_percentage(5, UNKNOWN) is None
