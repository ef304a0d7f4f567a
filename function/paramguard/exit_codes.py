"""The exit status of every paramguard command that reports findings (scan, inventory, iac).

One policy, so CI can tell "secrets found" (1) from "something could not be read" (2): by
default findings win, as a finding is what CI must not miss; `--errors-first` makes a
failure win, and `--fail-on` sets the lowest finding level that fails the run. Nothing
examined at all is always 2: a scan of nothing must never read as clean.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
# Finding levels, lowest first: "warning" is a parameter whose type is not known (it may be
# plain text), "error" a String/StringList one. "never": no finding fails the run.
LEVELS = {"warning": 1, "error": 2, "never": 3}
FAIL_ON_HELP = (
    "lowest finding level that makes the exit code 1: warning (default; includes a parameter "
    "whose type could not be determined), error (only String/StringList), or never"
)
ERRORS_FIRST_HELP = (
    "exit 2 when something could not be read even if there are findings "
    "(default: findings win and the exit code is 1)"
)


def exit_code(
    levels: Iterable[str], failures: int, fail_on: str = "warning", errors_first: bool = False
) -> int:
    """0 clean, 1 a finding at or above fail_on, 2 a failure (when no finding wins over it)."""
    threshold = LEVELS[fail_on]
    failing = any(LEVELS[level] >= threshold for level in levels)
    if failures and (errors_first or not failing):
        return EXIT_ERROR
    return EXIT_FOUND if failing else EXIT_CLEAN


def exit_table(examined: str) -> str:
    """The exit-code table for a command's --help epilog; examined names what it reads."""
    return (
        "exit status:\n"
        "  0  nothing found, and everything could be read\n"
        "  1  findings at or above --fail-on, even if something else could not be read\n"
        "  2  a failure and no finding that fails the run, or any failure with\n"
        "     --errors-first; usage errors; nothing examined at all\n"
        f"     ({examined})\n"
    )


class HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions as usual; keeps text already laid out in lines (the epilogs)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        # argparse asks shutil for the width, and argparse makes a formatter for every
        # add_argument: importing shutil (and with it bz2, lzma, fnmatch) was a tenth of the
        # command line's start-up. The same answer as shutil.get_terminal_size, from os.
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _terminal_columns() -> int:
    """COLUMNS, else the terminal's width, else 80: what shutil.get_terminal_size returns."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80
