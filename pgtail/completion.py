"""``pgtail --completion bash|zsh|fish``: a completion script made from the argument parser.

The scripts are written here by hand rather than with a completion library: argparse already
knows every option, a few dozen lines per shell cover them, and nothing new is imported when
pgtail starts. Options come from the parser, so they never drift from ``--help``; profile names
are asked of pgtail itself (``--profile-names``) when completing, so they follow the config
file as it is then, including a ``--config FILE`` already typed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")


@dataclass(frozen=True, slots=True)
class _Option:
    """One option as the scripts need it."""

    flags: tuple[str, ...]
    help: str
    value: str | None
    """None for a flag; "file", "profile", "choices" or "text" for an option taking a value."""
    choices: tuple[str, ...] = ()
    repeats: bool = False
    excludes: tuple[str, ...] = ()
    """Flags that cannot go with this one (a mutually exclusive group)."""


def options(parser: argparse.ArgumentParser) -> list[_Option]:
    """Every visible option of *parser*, in the order of ``--help``."""
    exclusive: dict[str, tuple[str, ...]] = {}
    for group in parser._mutually_exclusive_groups:
        flags = tuple(f for action in group._group_actions for f in action.option_strings)
        for flag in flags:
            exclusive[flag] = flags
    found = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        found.append(
            _Option(
                flags=tuple(action.option_strings),
                help=_short_help(action.help or ""),
                value=_value_kind(action),
                choices=tuple(str(c) for c in action.choices or ()),
                repeats=isinstance(action, argparse._AppendAction),
                excludes=exclusive.get(action.option_strings[0], ()),
            )
        )
    return found


def _value_kind(action: argparse.Action) -> str | None:
    if action.nargs == 0:
        return None
    if action.choices:
        return "choices"
    if action.dest == "profile":
        return "profile"
    if action.metavar == "FILE":
        return "file"
    return "text"


def _short_help(text: str) -> str:
    """The help's first clause, on one line: what fits beside a completion."""
    text = " ".join(text.split())
    for stop in (" (", ";"):
        text = text.split(stop)[0]
    return text


class CompletionAction(argparse.Action):
    """``--completion SHELL``: print the script and exit, as ``--version`` does."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        print(script(str(values), parser), end="")
        parser.exit()


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for *shell* (one of :data:`SHELLS`)."""
    prog = parser.prog
    opts = options(parser)
    if shell == "bash":
        return _bash(prog, opts)
    if shell == "zsh":
        return _zsh(prog, opts)
    if shell == "fish":
        return _fish(prog, opts)
    raise ValueError(f"no completion for {shell!r}: choose one of {', '.join(SHELLS)}")


# ---- bash --------------------------------------------------------------------------------------


_BASH = r"""# bash completion for @PROG@: eval "$(@PROG@ --completion bash)" in ~/.bashrc
@FN@_profiles() {
    # Profile names from the config file, as @PROG@ reads it (a --config FILE typed counts).
    local i file config=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ "${COMP_WORDS[i]}" == --config ]]; then
            file="${COMP_WORDS[i + 1]}"
            [[ "$file" == "=" ]] && file="${COMP_WORDS[i + 2]}"
            config=(--config "${file/#\~/$HOME}")
        fi
    done
    "${COMP_WORDS[0]}" "${config[@]}" --profile-names 2>/dev/null
}

@FN@() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD - 1]}" name
    # "--opt=value": bash splits at "=", so the option is then two words back.
    if [[ "$cur" == "=" ]]; then
        cur=""
    elif [[ "$prev" == "=" ]]; then
        prev="${COMP_WORDS[COMP_CWORD - 2]}"
    fi
    COMPREPLY=()
    case "$prev" in
@CASES@    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "@FLAGS@" -- "$cur"))
    fi
}
complete -F @FN@ @PROG@
"""

# Profile names are matched and quoted here rather than given to compgen -W, which would
# expand them ($, backquotes) and lose the quoting of a name with a space.
_BASH_PROFILES = r"""while IFS= read -r name; do
                [[ "$name" == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
            done < <(@FN@_profiles)
            return"""


def _bash(prog: str, opts: list[_Option]) -> str:
    def case(flags: list[str], body: str) -> str:
        return f"        {'|'.join(flags)})\n            {body} ;;\n" if flags else ""

    def flags_of(kind: str) -> list[str]:
        return [f for o in opts if o.value == kind for f in o.flags]

    cases = case(
        flags_of("file"),
        'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return',
    )
    cases += case(flags_of("profile"), _BASH_PROFILES)
    for o in opts:
        if o.value == "choices":
            words = " ".join(o.choices)
            cases += case(list(o.flags), f'COMPREPLY=($(compgen -W "{words}" -- "$cur")); return')
    cases += case(flags_of("text"), "return")
    return (
        _BASH.replace("@CASES@", cases)
        .replace("@FLAGS@", " ".join(f for o in opts for f in o.flags))
        .replace("@FN@", f"_{prog}")
        .replace("@PROG@", prog)
    )


# ---- zsh ---------------------------------------------------------------------------------------


def _zsh_quote(text: str) -> str:
    """*text* inside a single-quoted zsh word."""
    return text.replace("'", "'\\''")


def _zsh_spec(prog: str, o: _Option) -> list[str]:
    desc = o.help.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if o.value is None:
        action = ""
    elif o.value == "file":
        action = ":file:_files"
    elif o.value == "profile":
        action = f":profile:_{prog}_profiles"
    elif o.value == "choices":
        action = f":{o.flags[-1].lstrip('-')}:({' '.join(o.choices)})"
    else:
        action = f":{o.flags[-1].lstrip('-')}: "
    excludes = " ".join(o.excludes or (o.flags if not o.repeats else ()))
    prefix = "*" if o.repeats else f"({excludes})"
    if o.flags[0] in ("-h", "--version"):
        prefix = "(- *)"  # these end the command
    return [f"'{_zsh_quote(f'{prefix}{flag}[{desc}]{action}')}'" for flag in o.flags]


def _zsh(prog: str, opts: list[_Option]) -> str:
    specs = " \\\n    ".join(spec for o in opts for spec in _zsh_spec(prog, o))
    return f"""\
#compdef {prog}
# zsh completion for {prog}: save as _{prog} in a directory of $fpath,
# or source <({prog} --completion zsh) in ~/.zshrc (after compinit)

_{prog}_profiles() {{
    # Profile names from the config file, as {prog} reads it (a --config FILE typed counts).
    local -a config names
    local i=${{words[(I)--config]}}
    local file=${{(Q)words[i + 1]}}
    (( i )) && config=(--config "${{file/#\\~/$HOME}}")
    names=(${{(f)"$(${{words[1]}} $config --profile-names 2>/dev/null)"}})
    compadd -a names
}}

_{prog}() {{
    _arguments -s \\
    {specs} \\
    '*:channel: '
}}

if [[ "$funcstack[1]" == "_{prog}" ]]; then
    _{prog} "$@"
else
    compdef _{prog} {prog}
fi
"""


# ---- fish --------------------------------------------------------------------------------------


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_line(prog: str, o: _Option) -> str:
    parts = [f"complete -c {prog}"]
    for flag in o.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if o.value == "file":
        parts.append("-r -F")
    elif o.value == "profile":
        parts.append(f"-x -a '(__{prog}_profiles)'")
    elif o.value == "choices":
        parts.append(f"-x -a {_fish_quote(' '.join(o.choices))}")
    elif o.value == "text":
        parts.append("-x")
    parts.append(f"-d {_fish_quote(o.help)}")
    return " ".join(parts)


def _fish(prog: str, opts: list[_Option]) -> str:
    lines = "\n".join(_fish_line(prog, o) for o in opts)
    return f"""\
# fish completion for {prog}: {prog} --completion fish > ~/.config/fish/completions/{prog}.fish

function __{prog}_profiles
    # Profile names from the config file, as {prog} reads it (a --config FILE typed counts).
    set -l tokens (commandline -opc)
    set -l config
    set -l i (contains -i -- --config $tokens)
    and set config --config $tokens[(math $i + 1)]
    $tokens[1] $config --profile-names 2>/dev/null
end

# Arguments are channel names: no files unless an option asks for one.
complete -c {prog} -f
{lines}
"""
