"""pgtail.shutdown without a terminal: cleanups run once, newest first; a stop signal asks the
run to stop from the watchdog; a run that does not stop is ended after its grace, cleanups
first; stray non-daemon threads do not keep the process alive at the end."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from pgtail.shutdown import HANGUP_GRACE, STOP_GRACE, Cleanups
from tests.harness.cli import ROOT, pgtail_env


def test_cleanups_run_once_newest_first() -> None:
    ran: list[str] = []
    book = Cleanups()
    first = book.add(lambda: ran.append("first"))
    book.add(lambda: ran.append("second"))
    first()
    book.run_all()
    book.run_all()
    assert ran == ["first", "second"]


def test_a_cleanup_another_thread_runs_is_waited_for_not_run_twice() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    book = Cleanups()

    def slow() -> None:
        started.set()
        release.wait(5)
        ran.append("slow")

    run_now = book.add(slow)
    thread = threading.Thread(target=run_now)
    thread.start()
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()
    book.run_all()  # waits for the other thread's run, then has nothing left to do
    thread.join(5)
    assert ran == ["slow"]


def test_a_failing_cleanup_does_not_stop_the_others() -> None:
    ran: list[str] = []
    book = Cleanups()
    book.add(lambda: ran.append("last"))
    book.add(lambda: 1 / 0)
    book.run_all()
    assert ran == ["last"]


def _python(script: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=pgtail_env(),
        cwd=ROOT,
    )


def _wait_line(proc: subprocess.Popen[str], expected: str) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line == expected, (line, proc.stderr.read() if proc.stderr else "")


def test_a_stop_signal_asks_the_run_to_stop_and_it_ends_normally() -> None:
    proc = _python(
        """
        import threading
        from pgtail.shutdown import ended_by_hangup, exit_code
        asked = threading.Event()
        def request():
            asked.set()
            return True
        with ended_by_hangup(request):
            print("running", flush=True)
            assert asked.wait(10)
        print("asked", flush=True)
        raise SystemExit(exit_code(3))
        """
    )
    _wait_line(proc, "running")
    proc.send_signal(signal.SIGTERM)
    _wait_line(proc, "asked")
    assert proc.wait(10) == 3


def test_a_run_that_does_not_stop_is_ended_after_its_grace_cleanups_first(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "cleaned"
    proc = _python(
        f"""
        import time
        from pgtail.shutdown import cleanups, ended_by_hangup
        cleanups.add(lambda: open({str(marker)!r}, "w").close())
        with ended_by_hangup(lambda: True):
            print("running", flush=True)
            time.sleep(60)  # a loop that never hears the request
        """
    )
    _wait_line(proc, "running")
    sent = time.monotonic()
    proc.send_signal(signal.SIGHUP)
    assert proc.wait(10) == 0
    took = time.monotonic() - sent
    assert marker.exists()
    assert HANGUP_GRACE <= took < STOP_GRACE, took


def test_stray_non_daemon_threads_do_not_keep_the_process_alive() -> None:
    proc = _python(
        """
        import threading
        from pgtail.shutdown import exit_code
        threading.Thread(target=threading.Event().wait, name="stray").start()
        print("started", flush=True)
        raise SystemExit(exit_code(5))
        """
    )
    _wait_line(proc, "started")
    assert proc.wait(10) == 5
