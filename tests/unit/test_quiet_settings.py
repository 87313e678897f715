"""``--quiet-after`` and ``quiet_after`` in the config file: precedence, off, and mistakes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pgtail.cli import settings_from_args

CONFIG = """\
quiet_after = 300

[profile.shop]
channels = ["orders"]
quiet_after = 30

[profile.calm]
channels = ["audit"]
quiet_after = 0
"""


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty $XDG_CONFIG_HOME; stdout a terminal, so the UI is the mode chosen."""
    for name in ("PGTAIL_DSN", "NO_COLOR", "TEXTUAL_FPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    return tmp_path


def _write(home: Path, text: str) -> None:
    path = home / "pgtail" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        settings_from_args(list(argv))
    assert exit_.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_off_by_default_and_set_on_the_command_line(config_home: Path) -> None:
    assert settings_from_args(["-c", "x"]).quiet_after is None
    assert settings_from_args(["-c", "x", "--quiet-after", "90"]).quiet_after == 90.0
    assert settings_from_args(["-c", "x", "--quiet-after", "0.3"]).quiet_after == 0.3
    assert settings_from_args(["-c", "x", "--quiet-after", "0"]).quiet_after is None


def test_command_line_over_profile_over_defaults(config_home: Path) -> None:
    _write(config_home, CONFIG)
    assert settings_from_args(["-c", "x"]).quiet_after == 300.0
    assert settings_from_args(["-P", "shop"]).quiet_after == 30.0
    assert settings_from_args(["-P", "shop", "--quiet-after", "5"]).quiet_after == 5.0
    # 0 turns it off, over the defaults too.
    assert settings_from_args(["-P", "calm"]).quiet_after is None
    assert settings_from_args(["-c", "x", "--quiet-after", "0"]).quiet_after is None


def test_a_default_from_the_file_does_not_stop_pipe_mode(config_home: Path) -> None:
    _write(config_home, CONFIG)
    assert settings_from_args(["-c", "x", "--plain"]).quiet_after == 300.0


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["--quiet-after", "-1"], "must be a number of seconds of at least 0 (0: off)"),
        (["--quiet-after", "soon"], "not a number of seconds: 'soon'"),
        (["--quiet-after", "nan"], "must be a number of seconds of at least 0 (0: off)"),
        (["--quiet-after", "5", "--json"], "not in pipe mode"),
        (["--quiet-after", "5", "--replay", "x.jsonl"], "leave it out with --replay"),
    ],
)
def test_mistakes_on_the_command_line(
    config_home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], wanted: str
) -> None:
    assert wanted in _error(capsys, "-c", "x", *argv)


@pytest.mark.parametrize(
    "text", ["quiet_after = -5\n", "quiet_after = 'soon'\n", "quiet_after = true\n"]
)
def test_a_bad_value_in_the_file_is_one_line_naming_it(
    config_home: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    _write(config_home, text)
    line = _error(capsys, "-c", "x")
    assert line.endswith("config.toml:1: quiet_after must be a number of seconds (0: off)")
