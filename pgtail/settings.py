"""What the user asked for on the command line, as one frozen value."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pgtail.core.filter_syntax import Field
from pgtail.core.stamps import TimeMode


class OutputMode(enum.Enum):
    TUI = "tui"
    PLAIN = "plain"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Settings:
    dsn: str | None
    """The connection string as given (``--dsn`` or ``PGTAIL_DSN``); None means libpq defaults."""
    channels: tuple[str, ...]
    """Channels to listen on from the start, exactly as typed."""
    mode: OutputMode
    """Full-screen UI, or one line per notification on stdout."""
    scrollback: int = 10_000
    """How many lines the UI's log keeps."""
    color: bool = True
    """False when NO_COLOR is set."""
    demo: bool = False
    """Run against a throw-away server of pgtail's own, with generated traffic (``--demo``)."""
    record: str | None = None
    """Also write every received notification to this file as JSON lines."""
    replay: str | None = None
    """Show (or send, with ``replay_to``) this recording instead of listening."""
    replay_to: str | None = None
    """With ``replay``: the database to send the recording to."""
    speed: float = 0.0
    """With ``replay``: times the recorded pace (1 keeps the gaps); 0 shows it all at once."""
    show_sender: bool = False
    """Pipe mode: add who sent each notification (``--sender``)."""
    sender_column: bool = False
    """The UI starts with the sender column shown (``sender = true`` in the config file)."""
    filter: str | None = None
    """Show (or print) only notifications passing this filter (``--filter``); checked when the
    settings are made. Recordings keep every notification."""
    fps: int = 4
    """How often the log repaints while notifications flood in (frames per second); single
    notifications are shown at once. Bounds what pgtail writes to a slow terminal link."""
    check: bool = False
    """Diagnose LISTEN/NOTIFY on the server once and exit (``--check``)."""
    columns: tuple[Field, ...] = ()
    """JSON fields shown as columns (``--columns .id,.status``): in the UI between the channel
    and the payload, in ``--plain`` instead of the payload. ``--json`` is never changed."""
    time: TimeMode = TimeMode.ABSOLUTE
    """How times are written in the UI's log and ``--plain`` (``--time``)."""
    quiet_after: float | None = None
    """The UI marks a channel quiet after this many seconds without a notification
    (``--quiet-after``); None: never."""
