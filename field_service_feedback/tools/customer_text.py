"""What the customer types on the visit page: one check for every text before it is stored.

Control characters (NUL, escape, DEL, the C1 range…) are refused, since PostgreSQL cannot
store NUL and the others are invisible; tab, new line and carriage return are text.
Over the limit is refused, never cut: the customer sees the limit and keeps their text.
"""

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# How much of a refused text the form shows again: all of it, unless far past any limit.
ECHO_MAX = 20_000


def text_problem(text: str, limit: int) -> str | None:
    """``"control"``, ``"too_long"`` or None for a (stripped) text and its limit in characters."""
    if CONTROL.search(text):
        return "control"
    if len(text) > limit:
        return "too_long"
    return None


def without_control(text: str | None) -> str:
    """``text`` with its control characters removed (for what we store as received)."""
    return CONTROL.sub("", text or "")


def echo(text: str | None) -> str:
    """The text to show again in a refused form: without control characters, bounded."""
    text = without_control(text)
    return text if len(text) <= ECHO_MAX else ""
