"""A model of Python's backtracking regex engine that counts its steps.

`re` gives no step count and no timeout, so the regex-safety tests run patterns on this
model instead: it walks the same parse tree (`re._parser`) in the same order as the C engine
(greedy repeats try one more iteration first, alternatives left to right, an iteration that
matched nothing ends the repeat) with no memoisation, so its step count bounds the engine's
work from above up to a constant. A differential test checks that it agrees with `re` on
whether a text matches.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from typing import Any

from paramguard.regex_safety import _char_atom

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | (
    {_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set()
)

Next = Callable[[int], bool]


class OutOfSteps(Exception):
    """The match took more steps than the budget allowed."""


class Model:
    """One pattern, matched at position 0 of a text, counting steps."""

    def __init__(self, pattern: str, flags: int = re.IGNORECASE) -> None:
        self.tree = _parser.parse(pattern, flags)
        self.flags: int = self.tree.state.flags
        self.text = ""
        self.steps = 0
        self.budget = 0
        self._members: dict[tuple[Any, ...], re.Pattern[str]] = {}

    def match(self, text: str, budget: int = 10**7) -> bool:
        """Whether the pattern matches at the start of text (like re.match)."""
        self.text, self.steps, self.budget = text, 0, budget
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 50 * len(text) + 5000))
        try:
            return self._seq(list(self.tree), 0, 0, self.flags, lambda _: True)
        finally:
            sys.setrecursionlimit(limit)

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise OutOfSteps(self.steps)

    def _member(self, op: Any, av: Any, flags: int, char: str) -> bool:
        key = (op, repr(av), flags)
        pattern = self._members.get(key)
        if pattern is None:
            pattern = re.compile(_char_atom(op, av, flags).source)
            self._members[key] = pattern
        return pattern.fullmatch(char) is not None

    def _at(self, code: Any, pos: int) -> bool:
        text = self.text
        word = re.compile(r"\w", re.ASCII if self.flags & re.ASCII else 0)

        def is_word(i: int) -> bool:
            return 0 <= i < len(text) and word.match(text[i]) is not None

        if code in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
            return pos == 0
        if code is _c.AT_END:
            return pos == len(text) or (pos == len(text) - 1 and text[pos] == "\n")
        if code is _c.AT_END_STRING:
            return pos == len(text)
        if code is _c.AT_BOUNDARY:
            return is_word(pos - 1) != is_word(pos)
        if code is _c.AT_NON_BOUNDARY:
            return is_word(pos - 1) == is_word(pos)
        raise NotImplementedError(code)

    def _seq(self, items: list[Any], i: int, pos: int, flags: int, k: Next) -> bool:
        self._tick()
        if i == len(items):
            return k(pos)
        op, av = items[i]

        def rest(p: int) -> bool:
            return self._seq(items, i + 1, p, flags, k)

        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            if pos < len(self.text) and self._member(op, av, flags, self.text[pos]):
                return rest(pos + 1)
            return False
        if op is _c.AT:
            return self._at(av, pos) and rest(pos)
        if op is _c.SUBPATTERN:
            _, add, remove, body = av
            return self._seq(list(body), 0, pos, (flags | add) & ~remove, rest)
        if op is _c.ATOMIC_GROUP:
            return self._seq(list(av), 0, pos, flags, rest)
        if op is _c.BRANCH:
            return any(self._seq(list(alt), 0, pos, flags, rest) for alt in av[1])
        if op in _REPEATS:
            low, high, body = av
            return self._repeat(list(body), low, high, op is not _c.MIN_REPEAT, 0, pos, flags, rest)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            direction, body = av
            start = pos
            if direction < 0:
                width = _parser.SubPattern(self.tree.state, list(body)).getwidth()[0]
                start = pos - width
            found = start >= 0 and self._seq(
                list(body), 0, start, flags, lambda p: direction > 0 or p == pos
            )
            return found == (op is _c.ASSERT) and rest(pos)
        raise NotImplementedError(op)

    def _repeat(
        self,
        body: list[Any],
        low: int,
        high: int,
        greedy: bool,
        count: int,
        pos: int,
        flags: int,
        k: Next,
    ) -> bool:
        self._tick()

        def again(p: int) -> bool:
            if p == pos and count >= low:
                return False  # an iteration that matched nothing ends the repeat
            return self._repeat(body, low, high, greedy, count + 1, p, flags, k)

        if greedy:
            if count < high and self._seq(body, 0, pos, flags, again):
                return True
            return count >= low and k(pos)
        if count >= low and k(pos):
            return True
        return count < high and self._seq(body, 0, pos, flags, again)
