"""Exporting notifications to a JSON lines file, and reading it back: the name proposed, the
file never overwritten, errors said in one line, and every byte of a payload kept."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import overload

import pytest

from pgtail.core.export import CHUNK, ExportError, export, proposed_name
from pgtail.core.formats import format_json, format_plain
from pgtail.core.models import Notification
from pgtail.core.recording import parse_line, read_recording

T0 = 1_700_000_000.123

TRICKY = [
    Notification("orders", '{"id": 1041, "status": "paid"}', 4242, T0),
    Notification("Audit Log", "esc \x1b[31mred\x1b[0m bell \x07 nul-free", 1, T0 + 0.5),
    Notification("通知", "ünïcode 通知 🎉 e\u0301 \u202eevil\u202c", 2, T0 + 1.25),
    Notification("jobs:insert", 'quote " backslash \\ tab\t newline\n cr\r', 3, T0 + 2),
    Notification("c1", "c1 \x85 \x9b[2J del \x7f", 4, T0 + 3),
    Notification("empty", "", 5, T0 + 4),
]


def test_the_proposed_name_is_the_local_time() -> None:
    name = proposed_name(T0)
    assert name == datetime.fromtimestamp(T0).strftime("pgtail-%Y%m%d-%H%M%S.jsonl")
    assert name.startswith("pgtail-") and name.endswith(".jsonl") and "/" not in name


def test_an_export_reads_back_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    assert export(str(path), TRICKY) == len(TRICKY)
    text = path.read_text(encoding="utf-8")
    assert text == format_json(TRICKY)  # the --json schema, line for line
    back = [n for n in read_recording(str(path)) if isinstance(n, Notification)]
    assert [(n.channel, n.payload, n.pid) for n in back] == [
        (n.channel, n.payload, n.pid) for n in TRICKY
    ]
    # Times are kept to the millisecond, as in --json.
    assert all(abs(b.received - n.received) < 0.001 for b, n in zip(back, TRICKY, strict=True))
    # Exporting what was read back gives the same file.
    again = tmp_path / "again.jsonl"
    export(str(again), back)
    assert again.read_bytes() == path.read_bytes()
    # Nothing raw reaches a terminal that shows the file.
    assert not any(ch in text for ch in "\x1b\x07\x85\x9b\u202e\r")


def test_time_zero_is_a_valid_json_time() -> None:
    zero = [Notification("a", "x", 1, 0.0), Notification("b", "y", 1, 0.0)]
    lines = [json.loads(line) for line in format_json(zero).splitlines()]
    assert all(datetime.fromisoformat(line["time"]).timestamp() == 0.0 for line in lines)
    assert parse_line(format_json(zero[:1]), 1) == zero[0]
    midnight_or_so = datetime.fromtimestamp(0).strftime("%H:%M:%S.000  ")
    assert all(line.startswith(midnight_or_so) for line in format_plain(zero).splitlines())


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keep.jsonl"
    path.write_text("precious\n")
    with pytest.raises(ExportError, match=r"keep\.jsonl exists already: type another name"):
        export(str(path), TRICKY)
    assert path.read_text() == "precious\n"


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "x.jsonl"
    with pytest.raises(
        ExportError, match=r"cannot write .*x\.jsonl: there is no directory .*nowhere"
    ):
        export(str(path), TRICKY)


def test_no_permission_is_said(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        path = "/sys/pgtail-export.jsonl"  # refused even to root
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        path = str(locked / "x.jsonl")
    with pytest.raises(ExportError, match=r"cannot write .*: permission denied"):
        export(path, TRICKY)


def test_an_empty_name_and_a_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="type a file name"):
        export("   ", TRICKY)
    with pytest.raises(ExportError, match="exists already"):
        export(str(tmp_path), TRICKY)


def test_a_home_relative_name_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert export("~/home.jsonl", TRICKY[:1]) == 1
    assert (tmp_path / "home.jsonl").exists()


class _DiskFills(Sequence[Notification]):
    """Notifications whose second chunk cannot be written, as on a full disk."""

    def __len__(self) -> int:
        return CHUNK + 1

    @overload
    def __getitem__(self, index: int) -> Notification: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Notification]: ...
    def __getitem__(self, index: int | slice) -> Notification | Sequence[Notification]:
        if isinstance(index, slice) and index.start:
            raise OSError(errno.ENOSPC, "No space left on device")
        return [TRICKY[0]] * CHUNK if isinstance(index, slice) else TRICKY[0]


def test_a_half_written_file_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "full.jsonl"
    with pytest.raises(ExportError, match="no space left on device"):
        export(str(path), _DiskFills())
    assert not path.exists()
