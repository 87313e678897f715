"""Tab completion without Textual: extend to the shared part, then step through the names."""

from __future__ import annotations

from pgtail.ui.state.completion import Completer

NAMES = ["orders", "orders:new", "orders:old", "jobs", "Audit Log"]


def test_a_single_match_completes_to_the_whole_name() -> None:
    completion = Completer().press("jo", NAMES)
    assert completion is not None
    assert (completion.word, completion.unique) == ("jobs", True)


def test_nothing_matching_is_none() -> None:
    assert Completer().press("zz", NAMES) is None
    assert Completer().press("audit", NAMES) is None  # names are exact, case included


def test_several_matches_extend_to_their_common_part_and_show_them_all() -> None:
    completion = Completer().press("or", NAMES)
    assert completion is not None
    assert completion.word == "orders"
    assert completion.shown == ("orders", "orders:new", "orders:old")
    assert completion.current is None
    assert not completion.unique


def test_tab_then_steps_forward_and_wraps_shift_tab_steps_back() -> None:
    completer = Completer()
    words = []
    word = "orders"
    completer.press(word, NAMES)  # shows them
    for step in (1, 1, 1, -1, -1):
        completion = completer.press(word, NAMES, step)
        assert completion is not None
        word = completion.word
        words.append((word, completion.current))
    assert words == [
        ("orders:new", 1),
        ("orders:old", 2),
        ("orders", 0),
        ("orders:old", 2),
        ("orders:new", 1),
    ]


def test_nothing_to_extend_shows_the_names_then_steps_from_either_end() -> None:
    names = ["ab1", "ab2", "ab3"]
    for step, expected in ((1, "ab1"), (-1, "ab3")):
        completer = Completer()
        shown = completer.press("ab", names, step)
        assert shown is not None
        assert (shown.word, shown.shown, shown.current) == ("ab", ("ab1", "ab2", "ab3"), None)
        stepped = completer.press("ab", names, step)
        assert stepped is not None
        assert stepped.word == expected


def test_reset_starts_again_from_the_word() -> None:
    completer = Completer()
    completer.press("orders", NAMES)
    assert (c := completer.press("orders", NAMES)) is not None and c.word == "orders:new"
    completer.reset()
    again = completer.press("orders:", NAMES)
    assert again is not None
    assert again.word == "orders:"
    assert again.shown == ("orders:new", "orders:old")


def test_duplicate_candidates_count_once() -> None:
    completion = Completer().press("jo", ["jobs", "jobs"])
    assert completion is not None and completion.unique
