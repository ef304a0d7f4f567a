"""Text shown to people on one line: the command line's output, notifications, logs.

Its own module, importing nothing, so that the command line can escape what it prints
without importing the notification and metrics code (report).
"""

from __future__ import annotations


def printable(text: str) -> str:
    """Text safe to show on one line: control, format and bidi characters spelled as escapes.

    Newlines, carriage returns, tabs, ESC and other C0/C1 controls, bidi overrides (U+202E),
    zero-width and line/paragraph separators, lone surrogates and unassigned code points
    become backslash escapes, so a crafted name can neither forge nor hide a line.
    """
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
