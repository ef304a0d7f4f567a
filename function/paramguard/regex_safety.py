"""Refuse regular expressions whose backtracking can take more than linear time per start.

Python's `re` is a backtracking engine with no timeout: `(a+)+$` takes seconds on a name of
thirty characters. Dictionary lines are written by people, so every `re:` and `value:` line
is checked here before it is used. The check reads the parse tree of Python's own parser
(`re._parser`, the same one `re.compile` uses) and refuses, with a reason:

- backreferences and conditionals on a group (`\\1`, `(?(1)…)`), whose cost has no bound;
- lookarounds that contain a repeat (`(?=.*x)`), which rescan the text at every position;
- a repeat whose body can end in more than one place while the next iteration can take up
  what it left (`(a+)+`, `(\\w+\\s?)*`, `(a|ab)*`): the same text splits between iterations
  in exponentially many ways;
- two variable-length parts of a sequence that can match the same characters with nothing
  between them that only one of them can match (`.*a.*`, `\\w+_\\w+`): quadratic per start;
- a pattern that can match the same text in more than MAX_WAYS ways (overlapping
  alternatives, optional parts), which multiplies the work of everything after it.

What it accepts does a bounded amount of work per starting position and per character of the
text: tests/test_regex_safety.py checks that on a model of the backtracking engine, for
regexes generated from a grammar and texts built to make them backtrack. Character sets are
compared exactly, with the engine itself deciding membership (case folding, \\w, \\d, \\s).
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_WAYS", "UnsafeRegex", "check_regex"]

# re._parser is CPython's own parser (sre_parse before 3.11, which warns on import since).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

MAX_WAYS = 8
_MAX_PREFIX = 16
_MAX_WIDTHS = 16
# A part that can match more than this many characters counts as unbounded: a name is up to
# 2048 characters, so a{0,5000} backtracks like a*.
_SHORT = 32
# ASCII letters that case-fold to characters outside ASCII: i (U+0130, U+0131),
# k (U+212A KELVIN SIGN) and s (U+017F LONG S). A test recomputes this with the engine.
_WIDE_CASES = {
    "i": "\u0130\u0131",
    "k": "\u212a",
    "s": "\u017f",
}
_CATEGORY = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}
# Every character is in exactly one region: D (decimal digits), A (other letters and digits,
# and _), S (white space), O (the rest). \d, \w and \s are unions of regions, so two
# categories overlap exactly when their regions do, without looking at any character.
_ALL_REGIONS = frozenset("DASO")
_REGIONS = {r"\d": frozenset("D"), r"\w": frozenset("DA"), r"\s": frozenset("S")}
_ZERO_WIDTH_AT = {
    _c.AT_BEGINNING: "^",
    _c.AT_BEGINNING_STRING: r"\A",
    _c.AT_END: "$",
    _c.AT_END_STRING: r"\Z",
    _c.AT_BOUNDARY: r"\b",
    _c.AT_NON_BOUNDARY: r"\B",
}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | (
    {_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set()
)
_MAXREPEAT = int(_c.MAXREPEAT)


class UnsafeRegex(ValueError):
    """A regular expression that can backtrack catastrophically; the message says where."""


# --- character sets ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """A pattern that matches exactly one character, with what is known of its members."""

    source: str
    ascii: int  # bit c set: chr(c) is a member, for c < 128
    wide: frozenset[str] | None  # its members from U+0080 up, when known exactly
    complement_key: tuple[str, bool] | None = None  # (class body, negated), for [x] vs [^x]
    regions: frozenset[str] | None = None  # for categories: see _REGIONS


@dataclass(frozen=True)
class _Chars:
    """A set of characters: the union of some atoms."""

    atoms: frozenset[_Atom] = frozenset()

    def __or__(self, other: _Chars) -> _Chars:
        return _Chars(self.atoms | other.atoms)

    @property
    def ascii(self) -> int:
        mask = 0
        for atom in self.atoms:
            mask |= atom.ascii
        return mask

    @property
    def wide(self) -> frozenset[str] | None:
        found: set[str] = set()
        for atom in self.atoms:
            if atom.wide is None:
                return None
            found |= atom.wide
        return frozenset(found)

    @property
    def source(self) -> str:
        return "|".join(sorted(atom.source for atom in self.atoms))


_NO_CHARS = _Chars()


def _scoped(body: str, flags: int) -> str:
    add = "".join(
        letter for flag, letter in ((re.I, "i"), (re.S, "s"), (re.A, "a")) if flags & flag
    )
    remove = "".join(letter for flag, letter in ((re.I, "i"), (re.S, "s")) if not flags & flag)
    return f"(?{add}-{remove}:{body})" if remove else f"(?{add}:{body})"


@functools.lru_cache(maxsize=4096)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


@functools.lru_cache(maxsize=4096)
def _ascii_members(source: str) -> int:
    pattern = _compiled(source)
    mask = 0
    for code in range(128):
        if pattern.fullmatch(chr(code)):
            mask |= 1 << code
    return mask


def _folded_wide(text: Iterable[str], flags: int) -> frozenset[str]:
    """Members above U+007F that case folding adds to a set of ASCII characters."""
    if not flags & re.I or flags & re.A:
        return frozenset()
    return frozenset(c for ch in text for c in _WIDE_CASES.get(ch.lower(), ""))


def _atom(
    body: str,
    flags: int,
    wide: frozenset[str] | None,
    key: tuple[str, bool] | None = None,
    regions: frozenset[str] | None = None,
) -> _Atom:
    source = _scoped(body, flags)
    members = _ascii_members(source)
    if wide is not None:
        pattern = _compiled(source)
        wide = frozenset(c for c in wide if pattern.fullmatch(c))
    return _Atom(source, members, wide, key, regions)


def _escape(code: int) -> str:
    return re.escape(chr(code))


def _literal_wide(codes: Iterable[int], flags: int) -> frozenset[str] | None:
    chars = [chr(code) for code in codes]
    if any(code >= 128 for code in map(ord, chars)):
        # A non-ASCII letter under IGNORECASE has partners found only by a reverse look-up.
        if flags & re.I and not flags & re.A and any(c.lower() != c.upper() for c in chars):
            return None
        return frozenset(c for c in chars if ord(c) >= 128) | _folded_wide(chars, flags)
    return _folded_wide(chars, flags)


def _char_atom(op: Any, av: Any, flags: int) -> _Atom:
    if op is _c.LITERAL:
        return _atom(_escape(av), flags, _literal_wide([av], flags))
    if op is _c.NOT_LITERAL:
        body = _escape(av)
        return _atom(f"[^{body}]", flags, None, (body, True))
    if op is _c.ANY:
        return _atom(".", flags, None, None, _ALL_REGIONS)
    # IN: a character class
    negated = False
    parts: list[str] = []
    codes: list[int] = []
    known = True
    for item_op, item_av in av:
        if item_op is _c.NEGATE:
            negated = True
        elif item_op is _c.LITERAL:
            parts.append(_escape(item_av))
            codes.append(item_av)
        elif item_op is _c.RANGE:
            low, high = item_av
            parts.append(f"{_escape(low)}-{_escape(high)}")
            if high - low > 4096:
                known = False
            else:
                codes.extend(range(low, high + 1))
        elif item_op is _c.CATEGORY and item_av in _CATEGORY:
            parts.append(_CATEGORY[item_av])
            known = False
        else:
            raise UnsafeRegex(f"unsupported character class item {item_op}")
    body = "".join(parts)
    wide = None if negated or not known else _literal_wide(codes, flags)
    key = (body, negated)
    regions = None
    if len(parts) == 1 and parts[0] in _CATEGORY.values():
        # \S is [^\s]: the same key with the negation flipped.
        key = (parts[0].lower(), negated != parts[0][1].isupper())
        regions = _REGIONS[key[0]]
        if key[1]:
            regions = _ALL_REGIONS - regions
    return _atom(f"[{'^' if negated else ''}{body}]", flags, wide, key, regions)


@functools.cache
def _wide_text() -> str:
    # Every character from U+0080 up: built once, and only when two sets cannot be
    # compared any other way (both hold categories or negations with no ASCII in common).
    return "".join(map(chr, range(0x80, 0x110000)))


@functools.lru_cache(maxsize=1024)
def _wide_overlap(first: str, second: str) -> bool:
    probe = re.compile(f"(?=(?:{first}))(?:{second})")
    return probe.search(_wide_text()) is not None


def _overlaps(a: _Chars, b: _Chars) -> bool:
    """Whether some character is in both sets (exact)."""
    if not a.atoms or not b.atoms:
        return False
    if a.ascii & b.ascii:
        return True
    if len(a.atoms) == 1 and len(b.atoms) == 1:
        [x], [y] = a.atoms, b.atoms
        if (
            x.complement_key is not None
            and y.complement_key is not None
            and x.complement_key[0] == y.complement_key[0]
            and x.complement_key[1] != y.complement_key[1]
            and x.source.split(":", 1)[0] == y.source.split(":", 1)[0]
        ):
            return False
    for known, other in ((a.wide, b), (b.wide, a)):
        if known is not None:
            return any(_compiled(other.source).fullmatch(c) for c in known)
    if all(atom.regions is not None for atom in a.atoms | b.atoms):
        return bool(_regions(a) & _regions(b))
    return _wide_overlap(a.source, b.source)


def _regions(chars: _Chars) -> frozenset[str]:
    return frozenset(region for atom in chars.atoms for region in atom.regions or ())


# --- analysis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Info:
    """What the check knows about one part of a pattern."""

    text: str  # the part, written back as a regular expression (for messages)
    nullable: bool  # can match the empty string
    first: _Chars  # characters a non-empty match can start with
    chars: _Chars  # every character it can consume
    multi_end: bool  # from one start, can end at more than one position
    ways: int  # upper bound on the ways it matches one span (capped at MAX_WAYS + 1)
    widths: frozenset[int] | None  # its possible lengths, when few and finite
    long: bool  # can match more than _SHORT characters (unbounded for this purpose)
    prefix: tuple[_Chars, ...]  # one set per character of its fixed-width beginning
    simple: bool  # prefix is all of it (a fixed string of character sets)


_EMPTY = _Info("", True, _NO_CHARS, _NO_CHARS, False, 1, frozenset({0}), False, (), True)


def _cap(ways: int) -> int:
    return min(ways, MAX_WAYS + 1)


def _add_widths(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    if a is None or b is None:
        return None
    sums = frozenset(x + y for x in a for y in b)
    return sums if len(sums) <= _MAX_WIDTHS else None


def _blocks(blocker: _Info, part: _Info) -> bool:
    """Whether `blocker`, coming after `part`, fixes where `part` ends."""
    return not blocker.nullable and not _overlaps(blocker.first, part.chars)


def _head(parts: Sequence[_Info]) -> tuple[_Chars, bool]:
    """The first characters of a sequence, and whether it can match the empty string."""
    first = _NO_CHARS
    for part in parts:
        first = first | part.first
        if not part.nullable:
            return first, False
    return first, True


def _check_trading(parts: Sequence[_Info], split: int | None, repeat: str | None) -> None:
    """Refuse two variable-length parts that can trade characters (see the module doc)."""
    for i, left in enumerate(parts):
        if not left.multi_end or not left.long or (split is not None and i >= split):
            continue
        for j in range(i + 1, len(parts)):
            right = parts[j]
            if split is not None and j < split:
                if _blocks(right, left):
                    break
                continue
            # Two long parts that trade characters cost O(n) each per split: O(n^2) per
            # start. With one of them short, the work per start stays linear.
            if right.multi_end and right.long and _overlaps(left.chars, right.chars):
                if repeat is not None:
                    raise UnsafeRegex(
                        f"nested repeat: {repeat} repeats {left.text}, which can end in more "
                        "than one place, and the next iteration can take up what it leaves, "
                        "so a text splits between iterations in exponentially many ways"
                    )
                raise UnsafeRegex(
                    f"{left.text} and {right.text} can match the same characters with nothing "
                    "between them that only one of them matches, so the engine tries every "
                    "way of splitting a text between them"
                )
            if _blocks(right, left):
                break


def _absorb_factor(left: _Info, rest: Sequence[_Info]) -> int:
    """How many ways the parts after `left` can share out the text `left` might have taken."""
    if left.widths is not None:
        return len(left.widths)  # at most one parse per place where `left` can end
    factor = 1
    for part in rest:
        if _blocks(part, left):
            break
        if part.widths is None:
            return MAX_WAYS + 1
        factor = _cap(factor * len(part.widths))
    return factor


def _combine(parts: Sequence[_Info], text: str) -> _Info:
    """The facts about a sequence of parts."""
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    _check_trading(parts, None, None)
    first, nullable = _head(parts)
    chars = _NO_CHARS
    ways = 1
    widths: frozenset[int] | None = frozenset({0})
    length = 0
    for part in parts:
        chars = chars | part.chars
        ways = _cap(ways * part.ways)
        widths = _add_widths(widths, part.widths)
        length += _SHORT + 1 if part.long or part.widths is None else max(part.widths)
    multi_end = False
    for i, part in enumerate(parts):
        if not part.multi_end:
            continue
        rest = parts[i + 1 :]
        rest_first, rest_nullable = _head(rest)
        if _overlaps(rest_first, part.chars):
            ways = _cap(ways * _absorb_factor(part, rest))
            multi_end = True
        if rest_nullable:
            multi_end = True
    prefix: list[_Chars] = []
    simple = True
    for part in parts:
        prefix.extend(part.prefix)
        if not part.simple:
            simple = False
            break
    return _Info(
        text,
        nullable,
        first,
        chars,
        multi_end,
        ways,
        widths,
        length > _SHORT,
        tuple(prefix[:_MAX_PREFIX]),
        simple and len(prefix) <= _MAX_PREFIX,
    )


def _relation(a: _Info, b: _Info) -> tuple[bool, bool]:
    """(may both match at one start, may both match one string) for two alternatives."""
    if not a.nullable and not b.nullable and not _overlaps(a.first, b.first):
        return False, False
    for x, y in zip(a.prefix, b.prefix, strict=False):
        if not _overlaps(x, y):
            return False, False
    if a.widths is not None and b.widths is not None and not a.widths & b.widths:
        return True, False
    return True, True


class _Analyser:
    """Walks one parse tree, computing _Info bottom-up and raising UnsafeRegex."""

    def sequence(self, items: Any, flags: int) -> _Info:
        parts = [self.node(op, av, flags) for op, av in items]
        return _combine(parts, "".join(part.text for part in parts))

    def elements(self, items: Any, flags: int) -> list[_Info]:
        """The top-level parts of a repeat's body, looking through groups."""
        items = list(items)
        if len(items) == 1:
            op, av = items[0]
            if op is _c.SUBPATTERN:
                return self.elements(av[3], (flags | av[1]) & ~av[2])
            if op is _c.ATOMIC_GROUP:
                return self.elements(av, flags)
        return [self.node(op, av, flags) for op, av in items]

    def node(self, op: Any, av: Any, flags: int) -> _Info:
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            atom = _char_atom(op, av, flags)
            chars = _Chars(frozenset({atom}))
            text = _unparse([(op, av)])
            return _Info(text, False, chars, chars, False, 1, frozenset({1}), False, (chars,), True)
        if op is _c.AT:
            return _zero_width(_ZERO_WIDTH_AT.get(av, "^"))
        if op is _c.SUBPATTERN:
            group, add, remove, body = av
            inner = self.sequence(body, (flags | add) & ~remove)
            opening = "(" if group is not None else "(?:"
            text = inner.text
            if text.startswith("(?:") and len(body) == 1 and body[0][0] is _c.BRANCH:
                text = text[3:-1]
            return _with_text(inner, f"{opening}{text})")
        if op is _c.ATOMIC_GROUP:
            inner = self.sequence(av, flags)
            return _with_text(inner, f"(?>{inner.text})")
        if op is _c.BRANCH:
            return self.branch(av[1], flags)
        if op in _REPEATS:
            return self.repeat(op, av, flags)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            direction, body = av
            inner = self.sequence(body, flags)
            kind = (
                ("(?=" if op is _c.ASSERT else "(?!")
                if direction > 0
                else ("(?<=" if op is _c.ASSERT else "(?<!")
            )
            text = f"{kind}{inner.text})"
            if _has_repeat(body):
                raise UnsafeRegex(
                    f"lookaround {text} contains a repeat: it rescans the text at every "
                    "position it is tried"
                )
            return _zero_width(text)
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            raise UnsafeRegex(
                "backreference to a group: its matching time has no bound; "
                "write the alternatives out instead"
            )
        raise UnsafeRegex(f"unsupported construct {op}")

    def branch(self, alternatives: Any, flags: int) -> _Info:
        alts = [self.sequence(alt, flags) for alt in alternatives]
        text = "(?:" + "|".join(alt.text for alt in alts) + ")"
        same_string = False
        multi_end = any(alt.multi_end for alt in alts)
        for i, a in enumerate(alts):
            for b in alts[i + 1 :]:
                start, string = _relation(a, b)
                same_string = same_string or string
                # Two alternatives that can both match at one start end in different places
                # unless both have the same single length.
                if start and not (a.widths == b.widths and a.widths and len(a.widths) == 1):
                    multi_end = True
        ways = sum(alt.ways for alt in alts) if same_string else max(alt.ways for alt in alts)
        long = any(alt.long for alt in alts)
        widths: frozenset[int] | None = frozenset()
        first = chars = _NO_CHARS
        for alt in alts:
            first = first | alt.first
            chars = chars | alt.chars
            if widths is not None and alt.widths is not None:
                widths = widths | alt.widths
            else:
                widths = None
        if widths is not None and len(widths) > _MAX_WIDTHS:
            widths = None
        return _Info(
            text,
            any(alt.nullable for alt in alts),
            first,
            chars,
            multi_end,
            _cap(ways),
            widths,
            long,
            (),
            False,
        )

    def repeat(self, op: Any, av: Any, flags: int) -> _Info:
        low, high, body = av
        inner = self.sequence(body, flags)
        text = f"{_group_text(inner.text, body)}{_quantifier(op, low, high)}"
        if high == 0:
            return _with_text(_EMPTY, text)
        if high >= 2:
            if inner.ways > 1:
                raise UnsafeRegex(
                    f"the repeated part of {text} can match the same text in more than one "
                    "way (its alternatives or optional parts overlap), so the number of ways "
                    "grows exponentially with the number of iterations"
                )
            parts = self.elements(body, flags)
            twice = [*parts, *parts]
            _check_trading(twice, len(parts), text)
            if _combine(twice, text).ways > 1:
                raise UnsafeRegex(
                    f"the iterations of {text} can share out the same text in more than one "
                    "way, so the number of ways grows exponentially with their number"
                )
        nullable = low == 0 or inner.nullable
        variable = low != high and inner.widths != frozenset({0})
        if high >= 2:
            ways = inner.ways
        else:
            ways = inner.ways + (1 if low == 0 and inner.nullable else 0)
        widths: frozenset[int] | None
        if inner.widths is not None and high <= _MAX_WIDTHS:
            widths = _repeat_widths(inner.widths, low, high)
        else:
            widths = None
        if inner.simple and low == high and len(inner.prefix) * low <= _MAX_PREFIX:
            prefix, simple = inner.prefix * low, True
        elif low >= 1:
            prefix, simple = inner.prefix, False
        else:
            prefix, simple = (), False
        longest = None if inner.long or inner.widths is None else max(inner.widths) * high
        return _Info(
            text,
            nullable,
            inner.first,
            inner.chars,
            variable or inner.multi_end,
            _cap(ways),
            widths,
            longest is None or longest > _SHORT,
            prefix,
            simple,
        )


def _repeat_widths(widths: frozenset[int], low: int, high: int) -> frozenset[int] | None:
    """The lengths of low to high iterations of a body of the given lengths, if few."""
    found: set[int] = set()
    sums: frozenset[int] | None = frozenset({0})
    for count in range(high + 1):
        if sums is None or len(found) > _MAX_WIDTHS:
            return None
        if count >= low:
            found |= sums
        sums = _add_widths(sums, widths)
    return frozenset(found) if len(found) <= _MAX_WIDTHS else None


def _with_text(info: _Info, text: str) -> _Info:
    return _Info(
        text,
        info.nullable,
        info.first,
        info.chars,
        info.multi_end,
        info.ways,
        info.widths,
        info.long,
        info.prefix,
        info.simple,
    )


def _zero_width(text: str) -> _Info:
    return _Info(text, True, _NO_CHARS, _NO_CHARS, False, 1, frozenset({0}), False, (), True)


def _has_repeat(items: Any) -> bool:
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            return True
        if op is _c.SUBPATTERN and _has_repeat(av[3]):
            return True
        if op is _c.ATOMIC_GROUP and _has_repeat(av):
            return True
        if op is _c.BRANCH and any(_has_repeat(alt) for alt in av[1]):
            return True
        if op in (_c.ASSERT, _c.ASSERT_NOT) and _has_repeat(av[1]):
            return True
    return False


def _quantifier(op: Any, low: int, high: int) -> str:
    if (low, high) == (0, _MAXREPEAT):
        text = "*"
    elif (low, high) == (1, _MAXREPEAT):
        text = "+"
    elif (low, high) == (0, 1):
        text = "?"
    elif low == high:
        text = f"{{{low}}}"
    elif high == _MAXREPEAT:
        text = f"{{{low},}}"
    else:
        text = f"{{{low},{high}}}"
    if op is _c.MIN_REPEAT:
        return text + "?"
    if op is not _c.MAX_REPEAT:
        return text + "+"
    return text


def _group_text(text: str, body: Any) -> str:
    items = list(body)
    if len(items) == 1 and items[0][0] in (
        _c.LITERAL,
        _c.NOT_LITERAL,
        _c.ANY,
        _c.IN,
        _c.SUBPATTERN,
    ):
        return text
    return f"(?:{text})"


def _unparse(items: Any) -> str:
    """Write single-character parts back as a regular expression (for messages)."""
    out = []
    for op, av in items:
        if op is _c.LITERAL:
            out.append(_escape(av))
        elif op is _c.NOT_LITERAL:
            out.append(f"[^{_escape(av)}]")
        elif op is _c.ANY:
            out.append(".")
        elif op is _c.IN:
            negated = any(item_op is _c.NEGATE for item_op, _ in av)
            body = []
            for item_op, item_av in av:
                if item_op is _c.LITERAL:
                    body.append(_escape(item_av))
                elif item_op is _c.RANGE:
                    body.append(f"{_escape(item_av[0])}-{_escape(item_av[1])}")
                elif item_op is _c.CATEGORY:
                    body.append(_CATEGORY.get(item_av, "?"))
            joined = "".join(body)
            if not negated and len(av) == 1 and av[0][0] is _c.CATEGORY:
                out.append(joined)
            else:
                out.append(f"[{'^' if negated else ''}{joined}]")
    return "".join(out)


def check_regex(source: str, flags: int = re.IGNORECASE) -> None:
    """Raise UnsafeRegex, naming the construct, if `source` can backtrack catastrophically."""
    try:
        tree = _parser.parse(source, flags)
    except (re.error, OverflowError, RecursionError) as exc:
        raise UnsafeRegex(f"invalid regular expression: {exc}") from None
    try:
        info = _Analyser().sequence(tree, tree.state.flags)
    except RecursionError:
        raise UnsafeRegex("nested too deeply to check") from None
    if info.ways > MAX_WAYS:
        raise UnsafeRegex(
            f"it can match the same text in more than {MAX_WAYS} ways (overlapping "
            "alternatives or optional parts), which multiplies the work of what follows"
        )
