"""The real ``pgtail`` command in pipe mode, as a subprocess against a real server."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from pgtail import __version__
from tests.harness import PgServer, notify
from tests.harness.cli import Running, collect_lines, pgtail_command, pgtail_env, run_pgtail
from tests.harness.wait import wait_until


def test_version_and_help() -> None:
    out = run_pgtail("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"pgtail {__version__}"
    out = run_pgtail("--help")
    assert out.returncode == 0
    for word in ["--dsn", "--channel", "--json", "--plain", "PGTAIL_DSN", "exit codes"]:
        assert word in out.stdout


def test_json_mode_receives_notifies_through_a_restart(
    fresh_pg: PgServer, running_pgtail: list[Running]
) -> None:
    r = Running("--json", "-c", "x", "-c", "my channel", "--dsn", fresh_pg.dsn)
    running_pgtail.append(r)
    r.wait_stderr("connected")
    psql = [str(Path(fresh_pg.bindir) / "psql"), "-X", "-q", "-h", fresh_pg.socket_dir]
    psql += ["-p", str(fresh_pg.port), "-U", fresh_pg.user, "-d", "postgres"]
    subprocess.run([*psql, "-c", "SELECT pg_notify('x', 'from psql')"], check=True)
    first = json.loads(r.stdout_line())
    assert first["channel"] == "x" and first["payload"] == "from psql" and first["pid"] > 0
    assert "T" in first["time"]

    fresh_pg.restart()
    r.wait_stderr("gap: notifications sent between")
    notify(fresh_pg, "my channel", "after restart")
    second = json.loads(r.stdout_line())
    assert second["channel"] == "my channel" and second["payload"] == "after restart"
    assert r.stop() == 0
    assert "reconnecting" in r.stderr
    assert "Traceback" not in r.stderr


def test_plain_mode_escapes_and_flushes(pg: PgServer, running_pgtail: list[Running]) -> None:
    r = Running("--plain", "-c", "evil", "--dsn", pg.dsn)
    running_pgtail.append(r)
    r.wait_stderr("connected")
    notify(pg, "evil", "\x1b]0;pwned\x07 [@click=app.quit]x[/]")
    line = r.stdout_line()
    assert line.rstrip("\n").endswith(
        "  evil  " + line.split("  ")[2] + "  \\x1b]0;pwned\\x07 [@click=app.quit]x[/]"
    )
    assert "\x1b" not in line
    assert r.stop(signal.SIGTERM) == 0


def test_closed_pipe_ends_quietly(pg: PgServer) -> None:
    proc = subprocess.Popen(
        " ".join([*pgtail_command("--json", "-c", "many", "--dsn", f"'{pg.dsn}'"), "| head -n 2"]),
        shell=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=pgtail_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[str] = []
    errors: list[str] = []
    readers = [collect_lines(proc.stdout, lines), collect_lines(proc.stderr, errors)]
    try:
        wait_until(
            lambda: "connected" in "".join(errors),
            timeout=20,
            what="pgtail to connect",
            seen=lambda: "".join(errors),
        )
        for i in range(5):
            notify(pg, "many", str(i))
        # head exits after two lines; pgtail at its next write, and the shell after both.
        proc.wait(20)
        for reader in readers:
            reader.join(20)  # pgtail's stderr ends only when pgtail does
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = "".join(errors)
    assert not any(reader.is_alive() for reader in readers), f"pgtail still runs: {err!r}"
    out = "".join(lines)
    assert [json.loads(line)["payload"] for line in out.splitlines()] == ["0", "1"]
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_wrong_password_exits_2_without_leaking_it(password_pg: PgServer) -> None:
    dsn = password_pg.conninfo(password="wrong-hunter22")
    out = run_pgtail("--json", "-c", "x", "--dsn", dsn)
    assert out.returncode == 2
    assert "password authentication failed" in out.stderr
    assert "wrong-hunter22" not in out.stderr + out.stdout
    uri = f"postgresql://postgres:wrong-hunter22@{password_pg.host}:{password_pg.port}/postgres"
    out = run_pgtail("--json", "-c", "x", "--dsn", uri)
    assert out.returncode == 2 and "wrong-hunter22" not in out.stderr
    out = run_pgtail(
        "--json",
        "-c",
        "x",
        PGPASSWORD="wrong-hunter22",
        PGHOST=password_pg.host,
        PGPORT=str(password_pg.port),
        PGUSER="postgres",
    )
    assert out.returncode == 2 and "wrong-hunter22" not in out.stderr
    assert "Traceback" not in out.stderr


def test_right_password_from_the_environment(
    password_pg: PgServer, running_pgtail: list[Running]
) -> None:
    r = Running(
        "--json",
        "-c",
        "x",
        PGTAIL_DSN=f"host={password_pg.host} port={password_pg.port} user=postgres",
        PGPASSWORD="s3cret-pw",
    )
    running_pgtail.append(r)
    r.wait_stderr("connected")
    assert "s3cret-pw" not in r.stderr
    assert r.stop() == 0


def test_missing_database_exits_2(pg: PgServer) -> None:
    out = run_pgtail("--plain", "-c", "x", "--dsn", pg.conninfo(dbname="no_such_db"))
    assert out.returncode == 2
    assert 'database "no_such_db" does not exist' in out.stderr
    assert out.stderr.count("\n") <= 3 and "Traceback" not in out.stderr


def test_bad_arguments_exit_2() -> None:
    assert run_pgtail("--dsn", "host='unterminated", "-c", "x", "--json").returncode == 2
    assert run_pgtail("--json").returncode == 2  # nothing to listen on
    assert run_pgtail("--scrollback", "0").returncode == 2
    assert run_pgtail("--json", "--plain", "-c", "x").returncode == 2


def test_unknown_host_is_retried_with_the_reason(running_pgtail: list[Running]) -> None:
    r = Running("--json", "-c", "x", "--dsn", "host=no-such-host.invalid connect_timeout=2")
    running_pgtail.append(r)
    r.wait_stderr("reconnecting")
    assert "no-such-host.invalid" in r.stderr
    assert r.stop() == 0


def test_standby_fails_clearly(standby: PgServer) -> None:
    out = run_pgtail("--json", "-c", "x", "--dsn", standby.dsn)
    assert out.returncode == 2
    assert "standby" in out.stderr and "primary" in out.stderr


def test_service_file_and_pg_variables(
    pg: PgServer, tmp_path: Path, running_pgtail: list[Running]
) -> None:
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text(
        f"[staging]\nhost={pg.host}\nport={pg.port}\nuser={pg.user}\ndbname=postgres\n"
    )
    r = Running("--json", "-c", "svc", PGSERVICEFILE=str(service_file), PGSERVICE="staging")
    running_pgtail.append(r)
    r.wait_stderr("connected")
    assert "service staging" in r.stderr
    notify(pg, "svc", "via service")
    assert json.loads(r.stdout_line())["payload"] == "via service"
    assert r.stop() == 0


def test_multi_host_dsn_finds_the_primary(
    standby: PgServer, standby_primary: PgServer, running_pgtail: list[Running]
) -> None:
    dsn = (
        f"host={standby.host},{standby_primary.host} port={standby.port},{standby_primary.port} "
        "user=postgres dbname=postgres target_session_attrs=read-write"
    )
    r = Running("--json", "-c", "multi", "--dsn", dsn)
    running_pgtail.append(r)
    r.wait_stderr("connected")
    notify(standby_primary, "multi", "from the primary")
    assert json.loads(r.stdout_line())["payload"] == "from the primary"
    assert r.stop() == 0
