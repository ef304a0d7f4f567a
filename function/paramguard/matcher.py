"""Match SSM parameter names against the suspicious-name dictionary.

The dictionary format and the matching rules are documented for users in
dictionary/README.md; keep the two in step.
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "MAX_LINE_LENGTH",
    "SHORT_WORD_LENGTH",
    "Dictionary",
    "DictionaryError",
    "Match",
    "load_default",
    "normalise",
]

MAX_LINE_LENGTH = 200
SHORT_WORD_LENGTH = 4

# Camel case: an upper-case run followed by Upper+lower ends an acronym ("DBPassword" -> DB
# Password); digits are their own words ("oauth2token" -> oauth 2 token).
_ASCII_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_TRAILING_COMMENT = re.compile(r"\s#.*\Z", re.DOTALL)
_REGEX_PREFIX = "re:"
_WHOLE_PREFIX = "="
_START = "(?<![^ ])"
_END = "(?![^ ])"


@dataclass(frozen=True)
class DictionaryError:
    """A dictionary line that was skipped, with its 1-based line number and the reason."""

    line: int
    text: str
    message: str


@dataclass(frozen=True)
class Match:
    """The dictionary entry (as written) that made a name suspicious, and its line number."""

    entry: str
    line: int


class _LineError(ValueError):
    pass


def _char_kind(char: str) -> str:
    if char.isdecimal():
        return "digit"
    if char.isupper():
        return "upper"
    return "lower"


def _split_run(run: str, start: int) -> Iterator[tuple[int, int]]:
    # The Unicode twin of _ASCII_WORD: same boundaries, decided with str methods.
    kinds = [_char_kind(c) for c in run]
    begin = 0
    for i in range(1, len(run)):
        prev, cur = kinds[i - 1], kinds[i]
        nxt = kinds[i + 1] if i + 1 < len(run) else ""
        if (
            (prev == "digit") != (cur == "digit")
            or (prev == "lower" and cur == "upper")
            or (prev == "upper" and cur == "upper" and nxt == "lower")
        ):
            yield start + begin, start + i
            begin = i
    yield start + begin, start + len(run)


def _word_spans(name: str) -> list[tuple[int, int]]:
    if name.isascii():
        return [m.span() for m in _ASCII_WORD.finditer(name)]
    spans: list[tuple[int, int]] = []
    for run in _ALNUM_RUN.finditer(name):
        if run.group().isascii():
            spans.extend(m.span() for m in _ASCII_WORD.finditer(name, run.start(), run.end()))
        else:
            spans.extend(_split_run(run.group(), run.start()))
    return spans


def _lower(word: str) -> str:
    lowered = word.lower()
    if len(lowered) == len(word):
        return lowered
    # A few characters (e.g. U+0130) lower-case to two; keep them so that positions in the
    # token string map one-to-one onto the raw name.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in word)


def normalise(name: str) -> list[str]:
    """Return the lower-case words a name is reduced to before terms are matched."""
    if name.isascii():
        return [w.lower() for w in _ASCII_WORD.findall(name)]
    return [_lower(name[a:b]) for a, b in _word_spans(name)]


def _token_string(name: str) -> str:
    if name.isascii():
        return " ".join(_ASCII_WORD.findall(name)).lower()
    return " ".join(normalise(name))


class _Subject:
    """A name prepared for the slow path: its token string and a map back to raw offsets."""

    __slots__ = ("name", "text", "_offsets", "_starts")

    def __init__(self, name: str) -> None:
        spans = _word_spans(name)
        words = [_lower(name[a:b]) for a, b in spans]
        self.name = name
        self.text = " ".join(words)
        self._offsets: list[int] = []
        self._starts = [a for a, _ in spans]
        offset = 0
        for word in words:
            self._offsets.append(offset)
            offset += len(word) + 1

    def raw_span(self, begin: int, end: int) -> tuple[int, int]:
        """Map a span of the token string (starting and ending inside words) to the raw name."""
        first = bisect.bisect_right(self._offsets, begin) - 1
        last = bisect.bisect_right(self._offsets, end - 1) - 1
        return (
            self._starts[first] + begin - self._offsets[first],
            self._starts[last] + end - self._offsets[last],
        )


@dataclass(frozen=True)
class _Rule:
    entry: str
    line: int
    raw: bool  # True: a re: entry searched in the raw name; False: a term over the token string
    pattern: re.Pattern[str]
    finder: re.Pattern[str]  # finds overlapping matches (terms) or is the pattern itself (re:)

    def hits(self, subject: _Subject) -> bool:
        """Say whether the rule matches anywhere in the subject."""
        return self.pattern.search(subject.name if self.raw else subject.text) is not None

    def spans(self, subject: _Subject) -> Iterator[tuple[int, int]]:
        """Yield every match as a span of the raw name."""
        if self.raw:
            for m in self.finder.finditer(subject.name):
                yield m.span()
        else:
            for m in self.finder.finditer(subject.text):
                yield subject.raw_span(*m.span(1))


def _words_pattern(words: list[str], whole: bool) -> str:
    body = " ?".join(re.escape(w) for w in words)
    start = _START if whole or len(words[0]) <= SHORT_WORD_LENGTH else ""
    end = _END if whole or len(words[-1]) <= SHORT_WORD_LENGTH else ""
    return start + body + end


def _term_pattern(text: str, whole: bool, exclusion: bool) -> str:
    if "*" not in text:
        words = normalise(text)
        if not words:
            raise _LineError("no letters or digits")
        return _words_pattern(words, whole)
    if not exclusion:
        raise _LineError("'*' is only allowed in exclusions; use a re: entry for patterns")
    groups = [normalise(part) for part in text.split("*")]
    if not any(groups):
        raise _LineError("no letters or digits")
    out: list[str] = []
    if not groups[0]:
        out.append("^(?:[^ ]+ )*")  # a leading '*' covers every word before the rest
    inner = [g for g in groups if g]
    for i, words in enumerate(inner):
        # Next to a '*' the words are whole (the '*' takes whole words); elsewhere the
        # short-word rule applies as for positive entries.
        pattern = _words_pattern(words, whole)
        if i > 0 or not groups[0]:
            pattern = pattern.removeprefix(_START)
        if i < len(inner) - 1:
            out.append(pattern.removesuffix(_END) + "(?: [^ ]+)* ")
        else:
            out.append(pattern)
    if not groups[-1]:
        out[-1] = out[-1].removesuffix(_END) + _END + "(?: [^ ]+)*"
    return "".join(out)


def _compile_line(body: str, line: int) -> tuple[bool, _Rule]:
    exclusion = body.startswith("!")
    text = body[1:].strip() if exclusion else body
    entry = text if exclusion else body
    if not text:
        raise _LineError("empty exclusion: write the term after '!'")
    if text[: len(_REGEX_PREFIX)].lower() == _REGEX_PREFIX:
        source = text[len(_REGEX_PREFIX) :].strip()
        if not source:
            raise _LineError("empty regular expression after 're:'")
        try:
            pattern = re.compile(source, re.IGNORECASE)
        except (re.error, OverflowError, RecursionError) as exc:
            raise _LineError(f"invalid regular expression: {exc}") from None
        if pattern.search("") is not None:
            raise _LineError("regular expression matches the empty string, so every name")
        return exclusion, _Rule(entry, line, True, pattern, pattern)
    whole = text.startswith(_WHOLE_PREFIX)
    if whole:
        text = text[len(_WHOLE_PREFIX) :].strip()
    source = _term_pattern(text, whole, exclusion)
    pattern = re.compile(source)
    return exclusion, _Rule(entry, line, False, pattern, re.compile(f"(?=({source}))"))


def _strip_comment(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("#"):
        return ""
    return _TRAILING_COMMENT.sub("", stripped).strip()


@dataclass(frozen=True)
class Dictionary:
    """A parsed, immutable suspicious-name dictionary; build it with Dictionary.parse."""

    entries: tuple[str, ...]
    exclusions: tuple[str, ...]
    _rules: tuple[_Rule, ...] = field(repr=False)
    _exclusion_rules: tuple[_Rule, ...] = field(repr=False)
    _any_term: re.Pattern[str] | None = field(repr=False)
    _regex_rules: tuple[_Rule, ...] = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> tuple[Dictionary, list[DictionaryError]]:
        """Parse dictionary text; bad lines are skipped and returned as errors, never raised."""
        errors: list[DictionaryError] = []
        rules: list[_Rule] = []
        exclusion_rules: list[_Rule] = []
        seen: dict[tuple[bool, bool, str], int] = {}
        for number, raw_line in enumerate(text.split("\n"), start=1):
            line = raw_line.removesuffix("\r")
            if number == 1:
                line = line.removeprefix("\ufeff")
            body = _strip_comment(line)
            if not body:
                continue
            try:
                if len(body) > MAX_LINE_LENGTH:
                    raise _LineError(f"entry longer than {MAX_LINE_LENGTH} characters")
                exclusion, rule = _compile_line(body, number)
                key = (exclusion, rule.raw, rule.pattern.pattern)
                if key in seen:
                    raise _LineError(f"duplicate of line {seen[key]}")
            except _LineError as exc:
                errors.append(DictionaryError(number, line, str(exc)))
                continue
            seen[key] = number
            (exclusion_rules if exclusion else rules).append(rule)
        terms = [f"(?:{r.pattern.pattern})" for r in rules if not r.raw]
        dictionary = cls(
            entries=tuple(r.entry for r in rules),
            exclusions=tuple(r.entry for r in exclusion_rules),
            _rules=tuple(rules),
            _exclusion_rules=tuple(exclusion_rules),
            _any_term=re.compile("|".join(terms)) if terms else None,
            _regex_rules=tuple(r for r in rules if r.raw),
        )
        return dictionary, errors

    def __len__(self) -> int:
        """Return the number of positive entries (terms and regexes, not exclusions)."""
        return len(self._rules)

    def match(self, name: str) -> Match | None:
        """Return the first entry (in file order) with a hit in name not covered by an exclusion."""
        if not self._might_match(name):
            return None
        subject = _Subject(name)
        covers: list[tuple[int, int]] | None = None
        for rule in self._rules:
            if not rule.hits(subject):
                continue
            if covers is None:
                covers = [
                    span
                    for exclusion in self._exclusion_rules
                    if exclusion.hits(subject)
                    for span in exclusion.spans(subject)
                ]
            for begin, end in rule.spans(subject):
                if not any(a <= begin and end <= b for a, b in covers):
                    return Match(rule.entry, rule.line)
        return None

    def _might_match(self, name: str) -> bool:
        # The fast path: most names hit nothing, so one combined search settles them.
        if self._any_term is not None and self._any_term.search(_token_string(name)):
            return True
        return any(rule.pattern.search(name) for rule in self._regex_rules)


@functools.cache
def load_default() -> Dictionary:
    """Return the bundled default dictionary; raise ValueError if any of its lines is invalid."""
    resource = importlib.resources.files("paramguard") / "default_dictionary.txt"
    dictionary, errors = Dictionary.parse(resource.read_text(encoding="utf-8"))
    if errors:
        details = "; ".join(f"line {e.line}: {e.message}: {e.text!r}" for e in errors)
        raise ValueError(f"the bundled default dictionary is invalid: {details}")
    return dictionary
