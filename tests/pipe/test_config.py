"""Profiles through the real command, with a temporary $XDG_CONFIG_HOME and a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.harness import PgServer, notify
from tests.harness.cli import Running, run_pgtail


@pytest.fixture
def config_home(tmp_path: Path) -> Path:
    (tmp_path / "pgtail").mkdir()
    return tmp_path


def _write(home: Path, text: str) -> None:
    (home / "pgtail" / "config.toml").write_text(text)


def test_a_profile_gives_the_dsn_and_channels(
    pg: PgServer, config_home: Path, running_pgtail: list[Running]
) -> None:
    _write(config_home, f'[profile.local]\ndsn = "{pg.dsn}"\nchannels = ["orders", "Audit Log"]\n')
    r = Running("-P", "local", "--json", XDG_CONFIG_HOME=str(config_home))
    running_pgtail.append(r)
    r.wait_stderr("listening on 2 channels")
    notify(pg, "Audit Log", "from the profile")
    line = json.loads(r.stdout_line())
    assert line["channel"] == "Audit Log" and line["payload"] == "from the profile"
    assert r.stop() == 0


def test_a_service_profile_and_check(pg: PgServer, config_home: Path, tmp_path: Path) -> None:
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[test]\nhost={pg.host}\nport={pg.port}\nuser={pg.user}\ndbname={pg.dbname}\n"
    )
    _write(config_home, '[profile.svc]\nservice = "test"\nchannels = ["orders"]\n')
    out = run_pgtail(
        "--check", "-P", "svc", XDG_CONFIG_HOME=str(config_home), PGSERVICEFILE=str(services)
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "(service test)" in out.stdout.splitlines()[0]
    assert "channel 'orders'" in out.stdout


def test_list_profiles_hides_the_password(config_home: Path) -> None:
    _write(
        config_home,
        '[profile.a]\ndsn = "host=db password=hunter22"\n'
        '[profile.b]\ndsn = "postgresql://app:hunter22@db/shop"\nchannels = ["x"]\n',
    )
    out = run_pgtail("--list-profiles", XDG_CONFIG_HOME=str(config_home))
    assert out.returncode == 0
    assert out.stdout.splitlines() == [
        "a  host=db password=***  (no channels)",
        "b  postgresql://app:***@db/shop  x",
    ]
    assert "hunter22" not in out.stdout + out.stderr


def test_a_bad_file_exits_2_with_one_line(config_home: Path) -> None:
    _write(config_home, "[profile.a]\nchannels = ['x']\nfps = 'fast'\n")
    out = run_pgtail("-P", "a", "--plain", XDG_CONFIG_HOME=str(config_home))
    assert out.returncode == 2
    path = config_home / "pgtail" / "config.toml"
    assert out.stderr == f"pgtail: error: {path}:3: fps must be a whole number of at least 1\n"
    _write(config_home, "[profile.a]\nchannels = ['x']\n")
    out = run_pgtail("-P", "nope", "--plain", XDG_CONFIG_HOME=str(config_home))
    assert out.returncode == 2
    assert out.stderr == f"pgtail: error: {path}: no profile 'nope' (profiles: a)\n"
