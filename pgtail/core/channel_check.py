"""``pgtail --check`` for one channel: its name on the server, who listens, what sends to it.

PostgreSQL shows no session the channels of another (``pg_listening_channels()`` is the caller's
own), so listeners are found the way discovery finds them: sessions of this database (channels
are per database) whose last statement, in ``pg_stat_activity``, was a LISTEN naming the
channel. Senders are functions and rules whose source NOTIFYs the channel by a literal name, and
triggers that hand the name as an argument to a function that NOTIFYs
(``EXECUTE FUNCTION notify_change('orders')``). Names that differ only in case are reported too:
``LISTEN Orders`` listens on ``orders``, the classic mix-up.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Sequence

from pgtail.core.channels import byte_length, server_channel_name, validate_channel
from pgtail.core.check_models import (
    ChannelReport,
    Connection,
    Finding,
    ListeningSession,
    Notifier,
    Status,
)
from pgtail.core.inspector import channels_in_sql
from pgtail.core.models import MAX_CHANNEL_BYTES

_SESSIONS_SQL = r"""
SELECT pid, coalesce(application_name, ''), coalesce(usename::text, ''),
       coalesce(host(client_addr), 'local socket'), coalesce(state, ''), coalesce(query, '')
FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
  AND datname = current_database()
  AND (query ~* '\mlisten\M' OR query = '<insufficient privilege>')
"""

_FUNCTIONS_SQL = r"""
SELECT p.oid, p.oid::regprocedure::text, p.prosrc
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prosrc ~* 'notify'
"""

_TRIGGERS_SQL = """
SELECT t.tgfoid, quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass::text,
       t.tgenabled = 'D', t.tgargs
FROM pg_trigger t
WHERE NOT t.tgisinternal AND t.tgfoid = ANY(%s::oid[])
"""

_RULES_SQL = r"""
SELECT quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text, pg_get_ruledef(r.oid)
FROM pg_rewrite r
WHERE r.rulename <> '_RETURN' AND pg_get_ruledef(r.oid) ~* '\mnotify\M'
"""

_HIDDEN_QUERY = "<insufficient privilege>"


def fetch(conn: Connection, query: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    """Rows of *query*; the helper every check question goes through."""
    cur = conn.execute(query, params)
    return cur.fetchall()


def check_channel(conn: Connection, name: str) -> ChannelReport:
    """Everything ``--check`` says about channel *name*."""
    server_name = server_channel_name(name)
    findings = [_name_finding(name, server_name, _codec(conn))]
    listeners, hidden = _listeners(conn)
    notifiers = _notifiers(conn)
    mine = [s for s in listeners if _same(s.written, server_name)]
    near = [s for s in listeners if _case_only(s.written, server_name)]
    findings += _listener_findings(server_name, mine, near, hidden)
    sends = [n for n in notifiers if _same(n.written, server_name)]
    near_sends = [n for n in notifiers if _case_only(n.written, server_name)]
    findings += _notifier_findings(server_name, sends, near_sends)
    return ChannelReport(name, server_name, tuple(findings), tuple(mine), tuple(sends))


def _codec(conn: Connection) -> str:
    """The codec names are written in; SQL_ASCII is read as UTF-8, as the listener does."""
    codec = codecs.lookup(conn.info.encoding).name
    return "utf-8" if codec == "ascii" else codec


def _same(written: str, server_name: str) -> bool:
    return server_channel_name(written) == server_name


def _case_only(written: str, server_name: str) -> bool:
    cut = server_channel_name(written)
    return cut != server_name and cut.casefold() == server_name.casefold()


# ---- the name ----------------------------------------------------------------------------------


def _name_finding(name: str, server_name: str, encoding: str) -> Finding:
    try:
        validate_channel(name)
        name.encode(encoding)
    except UnicodeEncodeError:
        return Finding("name", Status.PROBLEM, f"cannot be written in the encoding {encoding}")
    except ValueError as exc:
        return Finding("name", Status.PROBLEM, f"the server cannot listen on it: {exc}")
    size = byte_length(name)
    if server_name != name:
        return Finding(
            "name",
            Status.WARNING,
            f"{size} bytes, cut by the server to {MAX_CHANNEL_BYTES}: {server_name!r}",
            hint="LISTEN listens on the cut name, and pg_notify() with the full name fails "
            "(channel name too long): senders must use the cut name.",
        )
    text = f"exactly {name!r} on the server ({size} byte{'s' if size != 1 else ''})"
    if name != name.lower():
        hint = "In SQL, write it in double quotes: unquoted names are folded to lower case."
        return Finding("name", Status.OK, text, hint=hint)
    return Finding("name", Status.OK, text)


# ---- who listens -------------------------------------------------------------------------------


def _listeners(conn: Connection) -> tuple[list[ListeningSession], int]:
    """Sessions whose last statement LISTENed, one per channel named; and how many sessions'
    statements this role may not see."""
    found: list[ListeningSession] = []
    hidden = 0
    for pid, app, user, client, state, query in fetch(conn, _SESSIONS_SQL):
        if query == _HIDDEN_QUERY:
            hidden += 1
            continue
        for written in channels_in_sql(str(query), "listen"):
            session = ListeningSession(
                int(str(pid)), str(app), str(user), str(client), str(state), written
            )
            found.append(session)
    return found, hidden


def describe_session(s: ListeningSession) -> str:
    app = s.application or "no application name"
    return f"pid {s.pid}  {app}  {s.user or '?'}@{s.client}  {s.state}"


def _listener_findings(
    name: str, mine: list[ListeningSession], near: list[ListeningSession], hidden: int
) -> list[Finding]:
    n = len(mine)
    if n:
        text = f"{n} other session{'s' if n != 1 else ''} listen{'s' if n == 1 else ''} now"
        hint = ""
    else:
        text = "no other session seen listening"
        hint = "A session shows here while its last statement is a LISTEN."
    if hidden:
        hint += (
            f" The statements of {hidden} session{'s' if hidden != 1 else ''} of other roles "
            "could not be looked at (that needs pg_read_all_stats)."
        )
    details = tuple(describe_session(s) for s in mine)
    findings = [Finding("listeners", Status.OK, text, details, hint=hint.strip())]
    for s in mine:
        if s.state.startswith("idle in transaction"):
            findings.append(
                Finding(
                    "listeners",
                    Status.WARNING,
                    f"pid {s.pid} is idle in an open transaction",
                    hint="A LISTEN takes effect, and notifications reach a session, only once "
                    "its transaction ends: is that client in autocommit mode?",
                )
            )
    for s in near:
        findings.append(
            Finding(
                "listeners",
                Status.WARNING,
                f"pid {s.pid} listens on {s.written!r} instead (the case differs)",
                (describe_session(s),),
                hint=_CASE_HINT,
            )
        )
    return findings


_CASE_HINT = (
    "Channel names are exact: pg_notify() takes a name as written, while LISTEN and NOTIFY fold "
    "an unquoted name to lower case."
)


# ---- what sends to it --------------------------------------------------------------------------


def _notifiers(conn: Connection) -> list[Notifier]:
    functions = {
        int(str(oid)): (str(sig), str(src)) for oid, sig, src in fetch(conn, _FUNCTIONS_SQL)
    }
    triggers: dict[int, list[tuple[str, bool, list[str]]]] = {}
    if functions:
        codec = _codec(conn)
        for foid, trigger, disabled, args in fetch(conn, _TRIGGERS_SQL, (list(functions),)):
            values = _trigger_args(args, codec)
            triggers.setdefault(int(str(foid)), []).append((str(trigger), bool(disabled), values))
    found: list[Notifier] = []
    for oid, (signature, source) in functions.items():
        uses = triggers.get(oid, [])
        all_triggers = tuple(t for t, _, _ in uses)
        disabled = tuple(t for t, off, _ in uses if off)
        for written in channels_in_sql(source, "notify"):
            found.append(Notifier("function", signature, written, all_triggers, disabled))
        # A trigger handing the channel to the function as an argument (TG_ARGV).
        for trigger, off, values in uses if "tg_argv" in source.lower() else ():
            for value in values:
                found.append(
                    Notifier(
                        "trigger",
                        f"{trigger} -> {signature}",
                        value,
                        (trigger,),
                        (trigger,) if off else (),
                    )
                )
    for rule, definition in fetch(conn, _RULES_SQL):
        for written in channels_in_sql(str(definition), "notify"):
            found.append(Notifier("rule", str(rule), written))
    return found


def _trigger_args(raw: object, codec: str) -> list[str]:
    """A trigger's arguments: pg_trigger.tgargs holds them NUL-terminated, one after another."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        return []
    data = bytes(raw)
    return [part.decode(codec, "replace") for part in data.split(b"\x00")[:-1]]


def describe_notifier(n: Notifier) -> str:
    if n.kind == "trigger":
        return f"trigger {n.name} ({n.written!r} as an argument)"
    text = f"{n.kind} {n.name}"
    if n.triggers:
        text += ", called by trigger " + ", ".join(n.triggers)
    return text


def _notifier_findings(name: str, sends: list[Notifier], near: list[Notifier]) -> list[Finding]:
    n = len(sends)
    if n:
        text = f"NOTIFYed from {n} place{'s' if n != 1 else ''} in the database"
        hint = ""
    else:
        text = "no function, trigger or rule names it"
        hint = "A name computed at run time, or a NOTIFY sent by a client, cannot be seen."
    details = tuple(describe_notifier(s) for s in sends)
    findings = [Finding("notifiers", Status.OK, text, details, hint=hint)]
    for trigger in _unique(t for s in sends for t in s.disabled_triggers):
        findings.append(
            Finding("notifiers", Status.WARNING, f"trigger {trigger} is disabled: it sends nothing")
        )
    for s in near:
        findings.append(
            Finding(
                "notifiers",
                Status.WARNING,
                f"{s.kind} {s.name} sends to {s.written!r} instead (the case differs)",
                hint=_CASE_HINT,
            )
        )
    return findings


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
