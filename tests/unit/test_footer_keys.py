"""Which keys the footer shows when they do not all fit: the focused widget's first, then the
app's by importance; whole keys only."""

from __future__ import annotations

from pgtail.ui.state.footer_keys import APP_ORDER, FooterItem, fitting, footer_order


def _item(action: str, width: int = 8, app_level: bool = True) -> FooterItem:
    return FooterItem(action, width, app_level)


def test_the_focused_widgets_keys_come_first_in_their_own_order() -> None:
    items = [
        _item("quit"),
        _item("clear_log"),
        _item("follow", app_level=False),
        _item("choose", app_level=False),
        _item("help"),
    ]
    order = [items[i].action for i in footer_order(items)]
    assert order == ["follow", "choose", "help", "quit", "clear_log"]


def test_the_apps_keys_follow_by_importance_and_unknown_ones_last() -> None:
    actions = ["clear_log", "something_new", "discover", "filter", "help", "quit", "later"]
    items = [_item(action) for action in actions]
    order = [items[i].action for i in footer_order(items)]
    assert order == ["help", "quit", "filter", "discover", "clear_log", "something_new", "later"]
    assert APP_ORDER[:2] == ("help", "quit")  # every key stays one key away: ? lists them


def test_fitting_takes_whole_keys_in_order() -> None:
    assert fitting([10, 10, 10], 30) == 3
    assert fitting([10, 10, 10], 29) == 2
    assert fitting([10, 5, 1], 14) == 1  # never a later, smaller key in place of a skipped one
    assert fitting([], 10) == 0
    assert fitting([10], 0) == 0
