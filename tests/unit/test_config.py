"""The config file and profiles: parsing, precedence, and one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgtail.cli import settings_from_args
from pgtail.config import ConfigError, Options, default_path, load
from pgtail.core.stamps import TimeMode

CONFIG = """\
# defaults for every run
fps = 2
scrollback = 500
color = true

[profile.shop]
dsn = "host=db.internal user=app dbname=shop password=hunter22"
channels = ["orders", "jobs:insert"]
scrollback = 700

[profile."my staging"]
service = "staging"
channels = ["cache.invalidate"]
sender = true
fps = 1
"""


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty $XDG_CONFIG_HOME, and no PG*/NO_COLOR from the developer's environment."""
    for name in ("PGTAIL_DSN", "NO_COLOR", "TEXTUAL_FPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def _write(home: Path, text: str) -> Path:
    path = home / "pgtail" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        settings_from_args(list(argv))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line
    return err.rstrip("\n")


def test_the_default_path_follows_xdg(tmp_path: Path) -> None:
    assert default_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "pgtail/config.toml"
    assert default_path({}) == Path.home() / ".config/pgtail/config.toml"
    # A relative XDG_CONFIG_HOME is invalid per the spec, and ignored.
    assert default_path({"XDG_CONFIG_HOME": "rel"}) == Path.home() / ".config/pgtail/config.toml"


def test_no_file_means_built_in_defaults(config_home: Path) -> None:
    settings = settings_from_args(["-c", "x"])
    assert (settings.fps, settings.scrollback, settings.color) == (4, 10_000, True)
    assert settings.dsn is None and settings.channels == ("x",)
    assert not settings.show_sender and not settings.sender_column


def test_top_level_defaults_apply_to_every_run(config_home: Path) -> None:
    _write(config_home, CONFIG)
    settings = settings_from_args(["-c", "x"])
    assert (settings.fps, settings.scrollback, settings.color) == (2, 500, True)
    assert settings.dsn is None


def test_command_line_over_profile_over_defaults_over_built_in(config_home: Path) -> None:
    _write(config_home, CONFIG)
    shop = settings_from_args(["-P", "shop"])
    assert shop.dsn == "host=db.internal user=app dbname=shop password=hunter22"
    assert shop.channels == ("orders", "jobs:insert")
    assert (shop.scrollback, shop.fps) == (700, 2)  # profile, then the top level

    given = settings_from_args(["--profile", "shop", "--scrollback", "9", "--fps", "3"])
    assert (given.scrollback, given.fps) == (9, 3)
    assert given.channels == ("orders", "jobs:insert")

    # Channels and a DSN on the command line replace the profile's.
    own = settings_from_args(["-P", "shop", "-c", "mine", "--dsn", "host=elsewhere"])
    assert own.channels == ("mine",) and own.dsn == "host=elsewhere"


def test_a_profile_wins_over_pgtail_dsn(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(config_home, CONFIG)
    monkeypatch.setenv("PGTAIL_DSN", "host=from-env")
    assert settings_from_args(["-c", "x"]).dsn == "host=from-env"
    assert settings_from_args(["-P", "my staging"]).dsn == "service='staging'"


def test_sender_and_color(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(config_home, CONFIG)
    staging = settings_from_args(["-P", "my staging", "--json"])
    assert staging.show_sender and staging.sender_column and staging.fps == 1
    # In plain mode there is no sender field; the UI's column is still asked for.
    plain = settings_from_args(["-P", "my staging", "--plain"])
    assert not plain.show_sender and plain.sender_column

    _write(config_home, "color = false\n")
    assert settings_from_args(["-c", "x"]).color is False
    _write(config_home, "color = true\n")
    monkeypatch.setenv("NO_COLOR", "1")
    assert settings_from_args(["-c", "x"]).color is False  # NO_COLOR always wins


def test_config_option_picks_another_file(config_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[profile.x]\nchannels = ["from-other"]\n')
    settings = settings_from_args(["--config", str(other), "-P", "x"])
    assert settings.channels == ("from-other",)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("fps = 2\nscrollback = [\n", ":2: "),
        ("fps = 2\n\nfsp = 3\n", ":3: unknown key 'fsp' in the top level (known: fps, "),
        (
            '[profile.shop]\ndsn = "x"\nchanels = ["a"]\n',
            ":3: unknown key 'chanels' in [profile.shop] (known: dsn, service, channels, ",
        ),
        ("[profile.shop]\nfps = 'fast'\n", ":2: fps must be a whole number of at least 1"),
        ("scrollback = 0\n", ":1: scrollback must be a whole number of at least 1"),
        ("fps = true\n", ":1: fps must be a whole number of at least 1"),
        ("color = 'no'\n", ":1: color must be true or false"),
        ("[profile.a]\nchannels = 'orders'\n", ":2: channels must be a list of strings"),
        ("[profile.a]\ndsn = 5\n", ":2: dsn must be a string"),
        (
            "[profile.a]\ndsn = 'host=x'\nservice = 'y'\n",
            ":3: give dsn or service, not both",
        ),
        ("profile = 3\n", ":1: profile must be a table: [profile.NAME]"),
        ("columns = '.id .x'\n", ":1: columns: '.id .x': column 5: expected , between fields"),
        ("columns = 5\n", ':1: columns must be a list of fields, such as [".id", ".status"]'),
        ("[profile.a]\ntime = 'utc'\n", ":2: time must be one of absolute, relative, date"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_and_line(
    config_home: Path, capsys: pytest.CaptureFixture[str], text: str, wanted: str
) -> None:
    path = _write(config_home, text)
    err = _error(capsys, "-c", "x")
    assert err.startswith(f"pgtail: error: {path}{wanted}"), err


def test_an_unknown_profile_names_the_file_and_the_profiles(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(config_home, CONFIG)
    err = _error(capsys, "-P", "nope")
    assert err == f"pgtail: error: {path}: no profile 'nope' (profiles: my staging, shop)"
    # Without a file there are no profiles at all.
    path.unlink()
    assert "no profile 'nope' (profiles: none defined)" in _error(capsys, "-P", "nope")


def test_a_missing_config_option_file_is_an_error(
    config_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    err = _error(capsys, "--config", str(tmp_path / "nope.toml"), "-c", "x")
    assert err == f"pgtail: error: {tmp_path / 'nope.toml'}: no such file"


def test_list_profiles_never_shows_a_password(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        config_home,
        CONFIG + '[profile.uri]\ndsn = "postgresql://app:s3cret-pw@db/shop"\n',
    )
    with pytest.raises(SystemExit) as exit_:
        settings_from_args(["--list-profiles"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "hunter22" not in out and "s3cret-pw" not in out
    assert out.splitlines() == [
        "shop        host=db.internal user=app dbname=shop password=***  orders, jobs:insert",
        "my staging  service='staging'  cache.invalidate",
        "uri         postgresql://app:***@db/shop  (no channels)",
    ]
    with pytest.raises(SystemExit):
        settings_from_args(["--profile-names"])
    assert capsys.readouterr().out.splitlines() == ["shop", "my staging", "uri"]


def test_columns_and_time_from_the_file(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        config_home,
        'columns = [".id", ".user.name"]\ntime = "relative"\n'
        '[profile.shop]\ncolumns = ".status, .id"\n',
    )
    top = settings_from_args(["-c", "x"])
    assert [f.steps for f in top.columns] == [("id",), ("user", "name")]
    assert top.time is TimeMode.RELATIVE
    shop = settings_from_args(["-P", "shop"])
    assert [f.text for f in shop.columns] == [".status", ".id"]
    assert shop.time is TimeMode.RELATIVE
    # The command line wins; an empty --columns shows none.
    given = settings_from_args(["-P", "shop", "--columns", "", "--time", "date"])
    assert given.columns == () and given.time is TimeMode.DATE
    # --json is never changed: the file's columns are no error there, the option is.
    assert settings_from_args(["-P", "shop", "--json"]).columns
    with pytest.raises(SystemExit):
        settings_from_args(["-c", "x", "--json", "--columns", ".id"])
    err = capsys.readouterr().err
    assert err.endswith(
        "--columns shapes the UI and --plain lines: leave out --json, --to, --check\n"
    )


def test_a_bad_columns_option_points_at_the_problem(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        settings_from_args(["-c", "x", "--columns", ".id,status"])
    err = capsys.readouterr().err
    assert "--columns: column 5: expected a field such as .id\n  .id,status\n      ^" in err


def test_options_layer_only_what_is_set() -> None:
    top = Options(fps=1, scrollback=2, sender=False, color=True)
    assert Options(fps=9).over(top) == Options(fps=9, scrollback=2, sender=False, color=True)
    assert Options().over(Options()) == Options()


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b"fps = \xff\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: cannot be read"):
        load(str(path))
