"""What a sink needs from one server, built the same way for the full-screen UI and pipe mode.

Around the :class:`~pgtail.core.listener.Listener` stand three companions whose wiring matters:
the :class:`~pgtail.core.sender.Sender`, whose NOTIFY is also the delivery check's probe; the
``--record`` file, which sees every batch before the sink does (so the view's filters never
filter the recording); and the :class:`~pgtail.core.inspector.Inspector`'s side connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgtail.core.dsn import Dsn
from pgtail.core.inspector import Inspector
from pgtail.core.listener import EventCallback, Listener, ListenerOptions
from pgtail.core.recording import RecordingWriter, recording_tee
from pgtail.core.sender import Sender


@dataclass
class Wiring:
    """One server's listener and companions; close what it opened with :meth:`close`."""

    dsn: Dsn
    channels: tuple[str, ...]
    """The channels the listener starts with."""
    sender: Sender
    """Sends NOTIFY; its ``notify`` is also the listener's delivery-check probe."""
    inspector: Inspector | None
    """The side connection for senders, discovery and queue usage, when the sink uses one."""
    recorder: RecordingWriter | None
    """With ``--record``: receives every notification batch."""
    options: ListenerOptions | None = None
    """The listener's timings (None: the defaults)."""

    def recorded(self, on_event: EventCallback) -> EventCallback:
        """*on_event*, with every notification batch recorded first when recording."""
        if self.recorder is None:
            return on_event
        return recording_tee(on_event, self.recorder)

    def listener(self, on_event: EventCallback) -> Listener:
        """The listener, reporting to *on_event*. Raises ValueError for an invalid channel."""
        return Listener(
            self.dsn,
            self.channels,
            self.recorded(on_event),
            self.options,
            probe=self.sender.notify,
        )

    async def close(self) -> None:
        """Close the side connections and the recording, once the listener has returned."""
        await self.sender.close()
        if self.inspector is not None:
            await self.inspector.close()
        if self.recorder is not None:
            self.recorder.close()


def wire(
    dsn: Dsn,
    channels: tuple[str, ...],
    *,
    record: str | None = None,
    inspector: bool = True,
    options: ListenerOptions | None = None,
) -> Wiring:
    """Build the companions for *dsn* (no connection is opened yet). Raises OSError when the
    *record* file cannot be opened."""
    return Wiring(
        dsn=dsn,
        channels=channels,
        sender=Sender(dsn),
        inspector=Inspector(dsn) if inspector else None,
        recorder=RecordingWriter(record) if record else None,
        options=options,
    )
