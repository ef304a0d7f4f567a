"""The static regex check (paramguard.regex_safety): what it refuses, and that what it accepts
does a linear amount of work per start on texts built to make it backtrack."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from paramguard import regex_safety
from paramguard.matcher import Dictionary
from paramguard.regex_safety import UnsafeRegex, check_regex

from support.paths import DICTIONARY_FILE
from support.regex_grammar import ATOMS, QUANTIFIERS, TAILS, UNITS

from .regex_model import Model, OutOfSteps


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        # nested repeats: exponential
        (r"(a+)+$", "nested repeat"),
        (r"(a*)*b", "nested repeat"),
        (r"(?:a+){3}b", "nested repeat"),
        (r"(\w+\s?)+$", "nested repeat"),
        (r"(?:[^/]+/?)+$", "nested repeat"),
        (r"(.*)*x", "nested repeat"),
        # a repeated group whose alternatives can match the same text
        (r"(a|a)*b", "can match the same text in more than one way"),
        (r"(?:ab|\wb)+!", "can match the same text in more than one way"),
        (r"(?:a|)+b", "share out the same text"),
        (r"(?:a?b?)+!", "share out the same text"),
        # adjacent unbounded repeats that overlap: quadratic per start
        (r".*a.*b", "can match the same characters"),
        (r"\w+_\w+!", "can match the same characters"),
        (r"[a-z]+\d*[a-z]+!", "can match the same characters"),
        (r"a{0,5000}a*!", "can match the same characters"),
        # many overlapping choices in sequence multiply
        (r"(a|a)x" * 4 + "!", "more than 8 ways"),
        (r"a?" * 4 + "a" * 4 + "!", "more than 8 ways"),
        # backreferences and conditionals
        (r"(a)\1", "backreference"),
        (r"(a)?(?(1)b|c)", "backreference"),
        # lookarounds that contain a repeat
        (r"(?=.*secret)", "lookaround"),
        (r"x(?<!a{2})", "lookaround"),
        (r"(?!(?:ab)+c)d", "lookaround"),
    ],
)
def test_refused_constructs_name_the_reason(pattern: str, reason: str) -> None:
    with pytest.raises(UnsafeRegex, match=re.escape(reason)):
        check_regex(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^/aws/(service|reference)/.*",
        r"^/legacy/.*cred",
        r"(secret|token)s?$",
        r"^/prod/[^/]+/(db|rds)/(password|pwd)$",
        r"^/[a-z]+/[a-z]+/password$",
        r"^(?:[^/]+/)*password$",
        r"(?:/[^/]+)+",
        r".*_(key|secret)$",
        r".*(password|pwd)s?$",
        r"(password|passwd|pwd)(key|token)?",
        r"\bpass(word)?\b",
        r"(?:^|/)db_pass$",
        r"(a|ab)*c",
        r"[a-z]+[^a-z]+",
        # value detectors people write
        r"AKIA[0-9A-Z]{16}",
        r"ghp_[A-Za-z0-9]{36}",
        r"xox[baprs]-[0-9A-Za-z-]+",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        r"https?://[^:/\s]+:[^@/\s]+@",
        r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
        r"(?:password|secret)\s*[:=]\s*\S+",
        r"[0-9a-f]{32}",
    ],
)
def test_realistic_patterns_are_accepted(pattern: str) -> None:
    check_regex(pattern)


def test_every_regex_of_the_default_dictionary_is_accepted() -> None:
    lines = DICTIONARY_FILE.read_text(encoding="utf-8").splitlines()
    regexes = [line.split("re:", 1)[1] for line in lines if "re:" in line and line[0] != "#"]
    assert regexes
    for pattern in regexes:
        check_regex(pattern.strip())


def test_unsafe_regex_lines_are_errors_with_the_reason() -> None:
    text = "password\nre:(a+)+$\n!re:.*x.*y\nvalue: (\\d+)+!\n!value: (a)\\1\n"
    dictionary, errors = Dictionary.parse(text)
    assert [e.line for e in errors] == [2, 3, 4, 5]
    assert all(e.message.startswith("unsafe regular expression: ") for e in errors)
    assert "nested repeat" in errors[0].message and "backreference" in errors[3].message
    assert dictionary.entries == ("password",) and dictionary.value_rules == ()


def test_wide_case_table_matches_the_engine() -> None:
    # The only ASCII letters whose case-insensitive match includes a character above U+007F.
    wide = regex_safety._wide_text()
    found = {
        letter: "".join(sorted(re.findall(f"(?i){letter}", wide)))
        for letter in "abcdefghijklmnopqrstuvwxyz"
    }
    assert {k: v for k, v in found.items() if v} == regex_safety._WIDE_CASES


def test_category_regions_match_the_engine() -> None:
    # \d, \w, \s and their negations overlap exactly when their regions do.
    categories = [r"\d", r"\D", r"\w", r"\W", r"\s", r"\S"]
    text = "".join(map(chr, range(0x110000)))
    for first in categories:
        for second in categories:
            engine = re.search(f"(?={first}){second}", text) is not None
            a = regex_safety._Chars(frozenset({regex_safety._char_atom(*_class(first))}))
            b = regex_safety._Chars(frozenset({regex_safety._char_atom(*_class(second))}))
            assert regex_safety._overlaps(a, b) == engine, (first, second)


def _class(source: str) -> tuple[object, object, int]:
    [(op, av)] = list(regex_safety._parser.parse(source, 0))
    return op, av, 0


# --- the property: accepted regexes do linear work per start ------------------------------

# Work per start: at most STEPS_PER_CHAR model steps per character of text and of pattern.
STEPS_PER_CHAR = 4


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    groups = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        groups.map("".join),
        groups.map(lambda parts: "(?:" + "|".join(parts) + ")"),
        st.tuples(children, st.sampled_from(QUANTIFIERS)).map(lambda t: f"(?:{t[0]}){t[1]}"),
    )


regexes = st.tuples(
    st.recursive(st.sampled_from(ATOMS), _extend, max_leaves=10),
    st.sampled_from(["", "$", "!", "(?:a|b)$", r"\d$"]),
).map("".join)


def adversarial_texts(length: int) -> Iterator[str]:
    """Long runs of one character (or a short unit) with a tail that does not match."""
    for unit in UNITS:
        for tail in TAILS:
            yield unit * (length // len(unit)) + tail


def steps(model: Model, text: str, budget: int) -> int:
    model.match(text, budget)
    return model.steps


@given(regexes)
@settings(max_examples=150, deadline=None)
def test_accepted_regexes_do_linear_work_per_start(pattern: str) -> None:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
        check_regex(pattern)
    except (re.error, UnsafeRegex):
        assume(False)
        return
    model = Model(pattern)
    for short, long in zip(adversarial_texts(16), adversarial_texts(32), strict=True):
        bound = STEPS_PER_CHAR * (len(long) + 1) * (len(pattern) + 1)
        small = steps(model, short, bound)
        # Doubling the text may at most double the work (plus the constant part).
        try:
            assert model.match(long, min(bound, int(2.5 * small) + 200)) == (
                compiled.match(long) is not None
            )
        except OutOfSteps:
            pytest.fail(f"{pattern!r} on {long!r}: {model.steps} steps (half as long: {small})")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(a+)+b", "a" * 24),
        (r"(a|a)*b", "a" * 24),
        (r"(?:ab|\wb)+!", "ab" * 12),
        (r"(\w+\s?)+!", "a" * 24),
        (r".*a.*b", "a" * 24),
        (r"\w+_\w+!", "_" * 24),
        (r"(?:a+){3}b", "a" * 24),
        (r"(?:a?b?)+!", "ab" * 12),
        (r"a{0,40}a*!", "a" * 24),
    ],
)
def test_the_property_catches_refused_regexes(pattern: str, text: str) -> None:
    # The property above has teeth: refused patterns blow its budget on these texts.
    with pytest.raises(UnsafeRegex):
        check_regex(pattern)
    model = Model(pattern)
    small = steps(model, text[:12], 10**7)
    with pytest.raises(OutOfSteps):
        model.match(text, int(2.5 * small) + 200)


@given(regexes, st.sampled_from(list(adversarial_texts(12))))
@settings(max_examples=200, deadline=None)
def test_the_model_agrees_with_re(pattern: str, text: str) -> None:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
        check_regex(pattern)
    except (re.error, UnsafeRegex):
        assume(False)
        return
    assert Model(pattern).match(text) == (compiled.match(text) is not None)
