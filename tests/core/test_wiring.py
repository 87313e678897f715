"""The pieces both sinks stand on, wired once: recording, delivery check, side connections."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from pgtail.core.dsn import parse
from pgtail.core.models import DeliveryChecked, ListenerEvent
from pgtail.core.wiring import wire
from tests.core.helpers import FAST, Recorder
from tests.harness import PgServer, notify


def _recorded_payloads(path: Path) -> list[str]:
    return [json.loads(line)["payload"] for line in path.read_text().splitlines()]


async def test_the_listener_records_first_and_probes_with_the_sender(
    pg: PgServer, tmp_path: Path
) -> None:
    path = tmp_path / "rec.jsonl"
    wiring = wire(parse(pg.dsn), ("jobs",), record=str(path), inspector=False, options=FAST)
    assert wiring.inspector is None
    seen_on_disk: list[list[str]] = []
    rec = Recorder()

    def sink(event: ListenerEvent) -> None:
        rec(event)
        if rec.notifications:
            seen_on_disk.append(_recorded_payloads(path))

    listener = wiring.listener(sink)
    task = asyncio.create_task(listener.run())
    try:
        await rec.wait(
            lambda: any(isinstance(e, DeliveryChecked) for e in rec.events), 20, "the check"
        )
        # Nothing else uses the wiring's sender: it is connected because it sent the probe.
        assert wiring.sender.backend_pid is not None
        notify(pg, "jobs", "one")
        await rec.wait(lambda: rec.payloads() == ["one"], what="a notification")
    finally:
        listener.stop()
        await asyncio.wait_for(task, 10)
        await wiring.close()
    checks = [e for e in rec.events if isinstance(e, DeliveryChecked)]
    assert checks and checks[0].ok, checks
    assert wiring.sender.backend_pid is None  # closed with the wiring
    # The batch was on disk before the sink saw it.
    assert seen_on_disk[0] == ["one"]
    assert _recorded_payloads(path) == ["one"]


def test_without_a_recording_events_go_straight_to_the_sink() -> None:
    wiring = wire(parse("host=db.invalid dbname=shop"), ("jobs",))
    assert wiring.recorder is None and wiring.inspector is not None
    rec = Recorder()
    assert wiring.recorded(rec) is rec
