"""Match SSM parameter names against the suspicious-name dictionary.

The dictionary format and the matching rules are documented for users in
dictionary/README.md; keep the two in step.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Iterator

from .plain import Frozen

__all__ = [
    "BUILTIN_CANARIES",
    "MAX_LINE_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_VALUE_LENGTH",
    "SHORT_WORD_LENGTH",
    "Canary",
    "CanaryMiss",
    "Cover",
    "Dictionary",
    "DictionaryError",
    "Explanation",
    "Match",
    "ValueRule",
    "load_default",
    "normalise",
]

MAX_LINE_LENGTH = 200
SHORT_WORD_LENGTH = 4
# PutParameter refuses a Name longer than 2048 characters and a Value longer than 8 KB
# (advanced tier; 4 KB standard), so nothing past these can be a real parameter. Matching
# looks no further, which bounds the time any line of the dictionary can take.
MAX_NAME_LENGTH = 2048
MAX_VALUE_LENGTH = 8192

# Names every dictionary must still flag: one or two per kind of secret, in the spellings
# people use. A dictionary that misses one is refused (see dictionary_store); each is also
# tried upper-cased and under varied leading path segments (see Dictionary.missed_canaries).
BUILTIN_CANARIES = (
    "/prod/db/password",
    "/prod/app/DB_PASSWORD",
    "api_key",
    "/prod/payments/stripeApiKey",
    "github_token",
    "/prod/slack/bot-token",
    "/prod/app/client_secret",
    "/prod/auth/jwt-secret",
    "private_key",
    "/prod/tls/private_key",
    "/prod/aws/secret_access_key",
    "/prod/db/connection_string",
    "/prod/app/database_url",
    "/prod/alerts/slack_webhook_url",
    "/prod/app/credentials",
)

# Camel case: an upper-case run followed by Upper+lower ends an acronym ("DBPassword" -> DB
# Password); digits are their own words ("oauth2token" -> oauth 2 token).
_ASCII_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_TRAILING_COMMENT = re.compile(r"\s#.*\Z", re.DOTALL)
_REGEX_PREFIX = "re:"
_VALUE_PREFIX = "value:"
_WHOLE_PREFIX = "="
_CANARY_LINE = re.compile(r"#\s*canary\s*:(.*)\Z", re.IGNORECASE | re.DOTALL)
_PARAMETER_NAME = re.compile(r"[A-Za-z0-9_.\-/]+")
_START = "(?<![^ ])"
_END = "(?![^ ])"


class DictionaryError(Frozen):
    """A dictionary line that was skipped, with its 1-based line number and the reason."""

    __slots__ = ("line", "text", "message")
    line: int
    text: str
    message: str

    def __init__(self, line: int, text: str, message: str) -> None:
        _set = object.__setattr__
        _set(self, "line", line)
        _set(self, "text", text)
        _set(self, "message", message)


class Match(Frozen):
    """The dictionary entry (as written) that made a name suspicious, and its line number."""

    __slots__ = ("entry", "line")
    entry: str
    line: int

    def __init__(self, entry: str, line: int) -> None:
        _set = object.__setattr__
        _set(self, "entry", entry)
        _set(self, "line", line)


class Cover(Frozen):
    """An entry's hit that an exclusion covers (the exclusion written with its '!')."""

    __slots__ = ("entry", "exclusion")
    entry: Match
    exclusion: Match

    def __init__(self, entry: Match, exclusion: Match) -> None:
        _set = object.__setattr__
        _set(self, "entry", entry)
        _set(self, "exclusion", exclusion)


class Explanation(Frozen):
    """Why a name is or is not flagged: the reported entry, and every hit that was covered."""

    __slots__ = ("match", "covered")
    match: Match | None
    covered: tuple[Cover, ...]

    def __init__(self, match: Match | None, covered: tuple[Cover, ...]) -> None:
        _set = object.__setattr__
        _set(self, "match", match)
        _set(self, "covered", covered)

    def describe(self) -> str:
        """One phrase for people: which entry flags it, or what hides it."""
        if self.match is not None:
            return f"flagged by '{self.match.entry}' (line {self.match.line})"
        if not self.covered:
            return "no entry matches it"
        hidden = "; ".join(
            f"'{c.entry.entry}' (line {c.entry.line}) is covered by '{c.exclusion.entry}' "
            f"(line {c.exclusion.line})"
            for c in self.covered
        )
        return f"hidden by an exclusion: {hidden}"


class Canary(Frozen):
    """A name the dictionary must flag: built in (line 0) or declared by a `# canary:` line."""

    __slots__ = ("name", "line")
    name: str
    line: int

    def __init__(self, name: str, line: int) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "line", line)


class CanaryMiss(Frozen):
    """A canary the dictionary does not flag, the spelling that was tried, and why."""

    __slots__ = ("canary", "spelling", "explanation")
    canary: Canary
    spelling: str
    explanation: Explanation

    def __init__(self, canary: Canary, spelling: str, explanation: Explanation) -> None:
        _set = object.__setattr__
        _set(self, "canary", canary)
        _set(self, "spelling", spelling)
        _set(self, "explanation", explanation)

    def describe(self) -> str:
        """One line for people and for the load-failure log."""
        where = "built in" if self.canary.line == 0 else f"line {self.canary.line}"
        written = "" if self.spelling == self.canary.name else f" when written '{self.spelling}'"
        return (
            f"canary '{self.canary.name}' ({where}) is not flagged{written}: "
            f"{self.explanation.describe()}"
        )


class ValueRule(Frozen):
    """A `value:` line: a regular expression searched in a parameter's value (case-sensitive)."""

    __slots__ = ("entry", "line", "pattern")
    entry: str
    line: int
    pattern: re.Pattern[str]

    def __init__(self, entry: str, line: int, pattern: re.Pattern[str]) -> None:
        _set = object.__setattr__
        _set(self, "entry", entry)
        _set(self, "line", line)
        _set(self, "pattern", pattern)


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


class _Rule(Frozen):
    """One line of the dictionary, compiled. Its patterns are kept in __dict__ once built."""

    __slots__ = ("entry", "line", "raw", "source", "flags", "compiled", "needle", "__dict__")
    # Lazily compiled, so not compared; nor is needle, which follows from source.
    _not_compared = ("compiled", "needle")
    entry: str
    line: int
    raw: bool  # True: a re: entry searched in the raw name; False: a term over the token string
    source: str  # the regular expression (for a term: built from its words, always valid)
    flags: int  # re.IGNORECASE for re: lines
    # re: and value: lines, compiled (and checked) when the dictionary is parsed.
    compiled: re.Pattern[str] | None
    # A term's longest word: every hit holds it literally in the token string, so a name
    # without it is settled by a substring test instead of a regular expression search.
    needle: str

    def __init__(
        self,
        entry: str,
        line: int,
        raw: bool,
        source: str,
        flags: int = 0,
        compiled: re.Pattern[str] | None = None,
        needle: str = "",
    ) -> None:
        _set = object.__setattr__
        _set(self, "entry", entry)
        _set(self, "line", line)
        _set(self, "raw", raw)
        _set(self, "source", source)
        _set(self, "flags", flags)
        _set(self, "compiled", compiled)
        _set(self, "needle", needle)

    # A term's own patterns are needed only for a name that holds its needle (below), so
    # they are compiled then: compiling every term's two patterns was most of the
    # time the command line took to load the default dictionary.
    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled rule."""
        return self.compiled if self.compiled is not None else re.compile(self.source, self.flags)

    @functools.cached_property
    def finder(self) -> re.Pattern[str]:
        """Finds overlapping matches (terms), or is the pattern itself (re:)."""
        return self.pattern if self.raw else re.compile(f"(?=({self.source}))")

    def hits(self, name: str, text: str) -> bool:
        """Say whether the rule matches anywhere in name (text: its token string)."""
        if self.raw:
            return self.pattern.search(name) is not None
        return self.needle in text and self.pattern.search(text) is not None

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


def _term_pattern(text: str, whole: bool, exclusion: bool) -> tuple[str, str]:
    """A term's regular expression over the token string, and its longest word."""
    if "*" not in text:
        words = normalise(text)
        if not words:
            raise _LineError("no letters or digits")
        return _words_pattern(words, whole), max(words, key=len)
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
        # A trailing '*' only makes the last word whole. It never extends what the exclusion
        # covers: the last words of a name say what the value is, so a hit after the
        # exclusion's last word (/prod/rotation/db_password for '!*_rotation_*') is reported.
        out[-1] = out[-1].removesuffix(_END) + _END
    return "".join(out), max((w for g in inner for w in g), key=len)


# The regular expressions of the bundled dictionary (source, flags), each already proven
# safe by regex_safety.check_regex: a dictionary with the same line skips the analysis,
# which was three quarters of the time loading the default took (and imported
# regex_safety). The verdict depends on nothing else, so any dictionary may use the table;
# tests/test_matcher.py checks that every entry still passes check_regex and that the
# bundled dictionary has no regular expression missing from it.
_PROVEN_SAFE = frozenset(
    (source, re.IGNORECASE)
    for source in (
        r"(^|[-_./])auth$",
        r"(^|[-_./])key$",
        r"(^|[-_./])(db|database|mongo|mongodb|redis|postgres|postgresql|mysql)"
        r"([-_./](?!host|endpoint|admin|console|ui[-_./])[a-z0-9]+){1,2}[-_./](url|uri)$",
        r"webhook$",
        r"licen[cs]e$",
        r"^/aws/(service|reference)/.*",
        r"^/copilot/[^/]+/[^/]+/secrets/",
        r"(^|[-_./])(allow|use|enable|disable|require)[-_.][^/]*$",
    )
)


def _compile_regex(source: str, prefix: str, flags: int) -> re.Pattern[str]:
    if not source:
        raise _LineError(f"empty regular expression after '{prefix}'")
    try:
        pattern = re.compile(source, flags)
    except (re.error, OverflowError, RecursionError) as exc:
        raise _LineError(f"invalid regular expression: {exc}") from None
    if pattern.search("") is not None:
        raise _LineError("regular expression matches the empty string, so every name")
    if (source, flags) in _PROVEN_SAFE:
        return pattern
    from .regex_safety import UnsafeRegex, check_regex  # only for a dictionary with re: lines

    try:
        check_regex(source, flags)
    except UnsafeRegex as exc:
        raise _LineError(f"unsafe regular expression: {exc}") from None
    return pattern


def _has_prefix(text: str, prefix: str) -> bool:
    return text[: len(prefix)].lower() == prefix


def _compile_line(body: str, line: int) -> tuple[str, bool, _Rule]:
    """Compile one entry; returns its kind ("name" or "value"), whether it excludes, the rule."""
    exclusion = body.startswith("!")
    text = body[1:].strip() if exclusion else body
    entry = text if exclusion else body
    if not text:
        raise _LineError("empty exclusion: write the term after '!'")
    if _has_prefix(text, _VALUE_PREFIX):
        # Values are matched case-sensitively: key formats (AKIA…, ghp_…) depend on case.
        source = text[len(_VALUE_PREFIX) :].strip()
        pattern = _compile_regex(source, _VALUE_PREFIX, 0)
        return "value", exclusion, _Rule(entry, line, True, source, 0, pattern)
    if _has_prefix(text, _REGEX_PREFIX):
        source = text[len(_REGEX_PREFIX) :].strip()
        checked = _compile_regex(source, _REGEX_PREFIX, re.IGNORECASE)
        return "name", exclusion, _Rule(entry, line, True, source, re.IGNORECASE, checked)
    whole = text.startswith(_WHOLE_PREFIX)
    if whole:
        text = text[len(_WHOLE_PREFIX) :].strip()
    source, needle = _term_pattern(text, whole, exclusion)
    return "name", exclusion, _Rule(entry, line, False, source, needle=needle)


def _canary_name(line: str) -> str | None:
    """The name declared by a `# canary: NAME` line, or None for any other line."""
    found = _CANARY_LINE.match(line.strip())
    if found is None:
        return None
    name = _TRAILING_COMMENT.sub("", found.group(1)).strip()
    if not name:
        raise _LineError("no parameter name after 'canary:'")
    if len(name) > MAX_NAME_LENGTH:
        raise _LineError(f"canary longer than {MAX_NAME_LENGTH} characters")
    if not _PARAMETER_NAME.fullmatch(name):
        raise _LineError("canary is not a parameter name (letters, digits, _ . - and / only)")
    return name


# Leading segments every built-in canary is also tried under: the environments people name
# their hierarchies after, at several depths.
_COMMON_PREFIXES = ("/prod", "/production", "/staging", "/dev", "/test", "/shared/services/x")


def _prefixes_for(text: str) -> tuple[str, ...]:
    """Leading path segments the built-in canaries are also tried under.

    Some depend on the whole file, in varied lengths (1-12 characters) and depths (1-3), so
    an exclusion cannot be written to spare exactly the spellings the check will try: one
    that spares a class of first segments (a length, a letter, a word) is caught by one of
    them or by the common environment prefixes.
    """
    import hashlib  # only when canaries are checked: loading OpenSSL costs start-up time

    stream = iter(hashlib.shake_256(text.encode("utf-8", "surrogatepass")).digest(512))
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_"
    prefixes: list[str] = []
    for depth in (1, 2, 3, 1, 2, 1):
        segments = []
        for _ in range(depth):
            length = 1 + next(stream) % 12
            # A segment starts with a letter or digit, as people write them.
            first = alphabet[next(stream) % 36]
            segments.append(first + "".join(alphabet[next(stream) % 38] for _ in range(length - 1)))
        prefixes.append("/" + "/".join(segments))
    return (*_COMMON_PREFIXES, *prefixes)


def _strip_comment(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("#"):
        return ""
    return _TRAILING_COMMENT.sub("", stripped).strip()


class Dictionary(Frozen):
    """A parsed, immutable suspicious-name dictionary; build it with Dictionary.parse."""

    # __dict__ holds what is derived on first use (functools.cached_property, below).
    __slots__ = (
        "entries",
        "exclusions",
        "canaries",
        "value_rules",
        "value_exclusions",
        "_rules",
        "_exclusion_rules",
        "_text",
        "__dict__",
    )
    _not_compared = ("_text",)
    entries: tuple[str, ...]
    exclusions: tuple[str, ...]
    canaries: tuple[Canary, ...]
    value_rules: tuple[ValueRule, ...]
    value_exclusions: tuple[ValueRule, ...]
    _rules: tuple[_Rule, ...]
    _exclusion_rules: tuple[_Rule, ...]
    _text: str

    def __init__(
        self,
        entries: tuple[str, ...],
        exclusions: tuple[str, ...],
        canaries: tuple[Canary, ...] = (),
        value_rules: tuple[ValueRule, ...] = (),
        value_exclusions: tuple[ValueRule, ...] = (),
        _rules: tuple[_Rule, ...] = (),
        _exclusion_rules: tuple[_Rule, ...] = (),
        _text: str = "",
    ) -> None:
        _set = object.__setattr__
        _set(self, "entries", entries)
        _set(self, "exclusions", exclusions)
        _set(self, "canaries", canaries)
        _set(self, "value_rules", value_rules)
        _set(self, "value_exclusions", value_exclusions)
        _set(self, "_rules", _rules)
        _set(self, "_exclusion_rules", _exclusion_rules)
        _set(self, "_text", _text)

    @classmethod
    def parse(cls, text: str) -> tuple[Dictionary, list[DictionaryError]]:
        """Parse dictionary text; bad lines are skipped and returned as errors, never raised."""
        errors: list[DictionaryError] = []
        rules: dict[tuple[str, bool], list[_Rule]] = {
            (kind, exclusion): [] for kind in ("name", "value") for exclusion in (False, True)
        }
        canaries: list[Canary] = []
        seen: dict[tuple[str, bool, bool, str], int] = {}
        seen_canaries: dict[str, int] = {}
        for number, raw_line in enumerate(text.split("\n"), start=1):
            line = raw_line.removesuffix("\r")
            if number == 1:
                line = line.removeprefix("\ufeff")
            try:
                canary = _canary_name(line)
                if canary is not None:
                    if canary in seen_canaries:
                        raise _LineError(f"duplicate of the canary on line {seen_canaries[canary]}")
                    seen_canaries[canary] = number
                    canaries.append(Canary(canary, number))
                    continue
                body = _strip_comment(line)
                if not body:
                    continue
                if len(body) > MAX_LINE_LENGTH:
                    raise _LineError(f"entry longer than {MAX_LINE_LENGTH} characters")
                kind, exclusion, rule = _compile_line(body, number)
                key = (kind, exclusion, rule.raw, rule.source)
                if key in seen:
                    raise _LineError(f"duplicate of line {seen[key]}")
            except _LineError as exc:
                errors.append(DictionaryError(number, line, str(exc)))
                continue
            seen[key] = number
            rules[kind, exclusion].append(rule)
        names = rules["name", False]
        dictionary = cls(
            entries=tuple(r.entry for r in names),
            exclusions=tuple(r.entry for r in rules["name", True]),
            canaries=tuple(canaries),
            value_rules=tuple(_value_rule(r) for r in rules["value", False]),
            value_exclusions=tuple(_value_rule(r) for r in rules["value", True]),
            _rules=tuple(names),
            _exclusion_rules=tuple(rules["name", True]),
            _text=text,
        )
        return dictionary, errors

    @functools.cached_property
    def _prefixes(self) -> tuple[str, ...]:
        # Only the canary check needs them (loading a dictionary, not scanning with it).
        return _prefixes_for(self._text)

    def __len__(self) -> int:
        """Return the number of positive name entries (terms and re:, not exclusions/values)."""
        return len(self._rules)

    def match(self, name: str) -> Match | None:
        """Return the first entry (in file order) with a hit in name not covered by an exclusion."""
        name = name[:MAX_NAME_LENGTH]
        # A term can hit only a name whose words hold its longest word, so a substring test
        # settles most rules and most names; the rest are searched (a re: line always).
        text = _token_string(name)
        rules = [rule for needle, rule in self._rule_needles if needle in text]
        if not rules:
            return None
        exclusions: list[_Rule] | None = None
        subject: _Subject | None = None
        covers: list[tuple[int, int, _Rule]] | None = None
        for rule in rules:
            if rule.pattern.search(name if rule.raw else text) is None:
                continue
            if exclusions is None:
                exclusions = self._hitting(name, text)
            if not exclusions:
                # No exclusion hits the name: this first hit is the answer, without mapping
                # hits back to the raw name.
                return Match(rule.entry, rule.line)
            if subject is None:
                subject = _Subject(name)
            if covers is None:
                covers = self._covers(subject, exclusions)
            for begin, end in rule.spans(subject):
                if not any(a <= begin and end <= b for a, b, _ in covers):
                    return Match(rule.entry, rule.line)
        return None

    def explain(self, name: str) -> Explanation:
        """Say which entry flags name, or which exclusions cover the hits it has (slow path)."""
        subject = _Subject(name[:MAX_NAME_LENGTH])
        covers = self._covers(subject)
        found: Match | None = None
        covered: dict[Cover, None] = {}
        for rule in self._rules:
            if not rule.hits(subject.name, subject.text):
                continue
            for begin, end in rule.spans(subject):
                cover = next((r for a, b, r in covers if a <= begin and end <= b), None)
                if cover is None:
                    found = found or Match(rule.entry, rule.line)
                else:
                    entry = Match(rule.entry, rule.line)
                    covered[Cover(entry, Match(f"!{cover.entry}", cover.line))] = None
        return Explanation(found, tuple(covered))

    def missed_canaries(self) -> list[CanaryMiss]:
        """The canaries this dictionary does not flag (built-in ones in several spellings)."""
        missed = []
        builtin = [Canary(name, 0) for name in BUILTIN_CANARIES]
        for canary in [*builtin, *self.canaries]:
            spellings = [canary.name]
            if canary.line == 0:
                if canary.name == canary.name.lower():  # camelCase splits differently upper-cased
                    spellings.append(canary.name.upper())
                path = canary.name if canary.name.startswith("/") else f"/{canary.name}"
                spellings += [prefix + path for prefix in self._prefixes]
                if path.startswith("/prod/"):  # the same name in another environment
                    spellings += [prefix + path[5:] for prefix in self._prefixes]
            for spelling in spellings:
                if self.match(spelling) is None:
                    missed.append(CanaryMiss(canary, spelling, self.explain(spelling)))
                    break
        return missed

    def match_value(self, value: str) -> Match | None:
        """Return the first value: line (in file order) with a hit not covered by !value:."""
        value = value[:MAX_VALUE_LENGTH]
        covers: list[tuple[int, int]] | None = None
        for rule in self.value_rules:
            if rule.pattern.search(value) is None:
                continue
            if covers is None:
                covers = self.value_exclusion_spans(value)
            for hit in rule.pattern.finditer(value):
                begin, end = hit.span()
                if not any(a <= begin and end <= b for a, b in covers):
                    return Match(rule.entry, rule.line)
        return None

    def value_exclusion_spans(self, value: str) -> list[tuple[int, int]]:
        """The spans of value that !value: lines cover (a hit inside one is not reported)."""
        value = value[:MAX_VALUE_LENGTH]
        return [
            hit.span() for rule in self.value_exclusions for hit in rule.pattern.finditer(value)
        ]

    def listing(self) -> list[tuple[int, str, str]]:
        """Every line that means something, as (line, kind, text as written), in file order."""
        rows = [(r.line, "entry", r.entry) for r in self._rules]
        rows += [(r.line, "exclusion", f"!{r.entry}") for r in self._exclusion_rules]
        rows += [(r.line, "value", r.entry) for r in self.value_rules]
        rows += [(r.line, "exclusion", f"!{r.entry}") for r in self.value_exclusions]
        rows += [(c.line, "canary", c.name) for c in self.canaries]
        return sorted(rows)

    # Each rule beside its needle: a term's longest word, "" for a re: line (in every text).
    # Kept as pairs: reading rule.needle in the loops instead costs a sixth more per name.
    @functools.cached_property
    def _rule_needles(self) -> tuple[tuple[str, _Rule], ...]:
        return tuple((rule.needle, rule) for rule in self._rules)

    @functools.cached_property
    def _exclusion_needles(self) -> tuple[tuple[str, _Rule], ...]:
        return tuple((rule.needle, rule) for rule in self._exclusion_rules)

    def _hitting(self, name: str, text: str) -> list[_Rule]:
        """The exclusions with a hit in name (text: its token string), in file order."""
        return [
            rule
            for needle, rule in self._exclusion_needles
            if needle in text and rule.hits(name, text)
        ]

    def _covers(
        self, subject: _Subject, exclusions: list[_Rule] | None = None
    ) -> list[tuple[int, int, _Rule]]:
        """The spans of the name that exclusions cover; exclusions: those with a hit in it
        (_hitting), found here when not given."""
        if exclusions is None:
            exclusions = self._hitting(subject.name, subject.text)
        return [
            (begin, end, exclusion)
            for exclusion in exclusions
            for begin, end in exclusion.spans(subject)
        ]


def _value_rule(rule: _Rule) -> ValueRule:
    return ValueRule(rule.entry, rule.line, rule.pattern)


@functools.cache
def load_default() -> Dictionary:
    """Return the bundled default dictionary; raise ValueError if any of its lines is invalid."""
    dictionary, errors = Dictionary.parse(_bundled_text())
    if errors:
        details = "; ".join(f"line {e.line}: {e.message}: {e.text!r}" for e in errors)
        raise ValueError(f"the bundled default dictionary is invalid: {details}")
    return dictionary


def _bundled_text() -> str:
    """default_dictionary.txt, read beside this module (importlib.resources only if the
    package is not on a file system, e.g. zipped: it costs more to import than to parse)."""
    try:
        with open(
            os.path.join(os.path.dirname(__file__), "default_dictionary.txt"), encoding="utf-8"
        ) as handle:
            return handle.read()
    except OSError:
        import importlib.resources

        resource = importlib.resources.files("paramguard") / "default_dictionary.txt"
        return resource.read_text(encoding="utf-8")
