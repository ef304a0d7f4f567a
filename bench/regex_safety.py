"""Regex safety in numbers: `re.search` on the longest names and values SSM accepts.

For regexes the static check accepts (generated from the grammar in support/regex_grammar.py,
plus realistic ones) it times the real engine on texts built to make them backtrack. For the
constructs it refuses it runs the same search in a subprocess with a timeout, to show what
the check prevents. Run alone with `python -m bench.regex_safety`; `make bench` runs it too.
"""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import sys
import time
from typing import Any

from paramguard.matcher import MAX_NAME_LENGTH, MAX_VALUE_LENGTH, Dictionary
from paramguard.regex_safety import UnsafeRegex, check_regex

from support.paths import DICTIONARY_FILE
from support.regex_grammar import ATOMS, QUANTIFIERS, TAILS, UNITS

REALISTIC = [
    r"^/aws/(service|reference)/.*",
    r"^/legacy/.*cred",
    r".*(password|pwd)s?$",
    r"^(?:[^/]+/)*password$",
    r"^/prod/[^/]+/(db|rds)/(password|pwd)$",
    r"(?:password|secret)\s*[:=]\s*\S+",
    r"https?://[^:/\s]+:[^@/\s]+@",
    r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
]
# Refused patterns, each with the text that makes it backtrack (a run of `unit`, then `tail`).
REFUSED = [
    (r"(a+)+$", "a", "!"),
    (r"(\w+\s?)+$", "a", "!"),
    (r"(?:[^/]+/?)+$", "a", "//"),
    (r".*a.*b", "a", ""),
    (r"\w+_\w+!", "_", ""),
]
GENERATED = 80
SLOWEST = 3  # the slowest on names are also timed on values
TIMEOUT_S = 5.0
# A target, not a test: the worst accepted regex on the worst 2048-character name.
WORST_NAME_SEARCH_S = 0.25


def _generate(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice(ATOMS)
    if roll < 0.6:
        return "".join(_generate(rng, depth + 1) for _ in range(rng.randint(2, 3)))
    if roll < 0.75:
        parts = [_generate(rng, depth + 1) for _ in range(rng.randint(2, 3))]
        return "(?:" + "|".join(parts) + ")"
    return f"(?:{_generate(rng, depth + 1)}){rng.choice(QUANTIFIERS)}"


def accepted_patterns(count: int, seed: int = 20261129) -> list[str]:
    """Generated regexes the check accepts (with a tail that forces backtracking), and more."""
    rng = random.Random(seed)
    found: list[str] = list(REALISTIC)
    while len(found) < count + len(REALISTIC):
        pattern = _generate(rng) + rng.choice(["", "$", "!", "(?:a|b)$", r"\d$"])
        try:
            re.compile(pattern)
            check_regex(pattern)
        except (re.error, UnsafeRegex):
            continue
        found.append(pattern)
    return found


def texts(length: int, tails: list[str] = TAILS) -> list[str]:
    """Runs of one character or a short unit, with a tail that does not match."""
    return [
        (unit * (length // len(unit)))[: length - len(tail)] + tail
        for unit in UNITS
        for tail in TAILS
    ]


def search_times(
    patterns: list[str], length: int, flags: int, tails: list[str] = TAILS
) -> dict[str, float]:
    """For each pattern, its slowest search over the adversarial texts of that length."""
    inputs = texts(length, tails)
    slowest: dict[str, float] = {}
    for pattern in patterns:
        compiled = re.compile(pattern, flags)
        worst = 0.0
        for text in inputs:
            start = time.perf_counter()
            compiled.search(text)
            worst = max(worst, time.perf_counter() - start)
        slowest[pattern] = worst
    return slowest


def refused_search(pattern: str, unit: str, tail: str, length: int) -> float | None:
    """Seconds for one search of a refused pattern in a fresh process (None: timed out)."""
    text = unit * (length // len(unit)) + tail
    code = (
        "import re, time\n"
        f"p = re.compile({pattern!r}, re.IGNORECASE)\n"
        f"t = time.perf_counter(); p.search({text!r}); print(time.perf_counter() - t)"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout)


def check_costs() -> dict[str, float]:
    """What the check adds to parsing a dictionary."""
    text = DICTIONARY_FILE.read_text(encoding="utf-8")
    start = time.perf_counter()
    Dictionary.parse(text)
    default_s = time.perf_counter() - start
    regexes = "\n".join(f"re:{p}" for p in accepted_patterns(50, seed=7)[:50])
    start = time.perf_counter()
    Dictionary.parse(text + "\n" + regexes)
    with_regexes_s = time.perf_counter() - start
    return {"parse_default_s": default_s, "parse_default_plus_50_regexes_s": with_regexes_s}


def _shown(seconds: float | None) -> str:
    return f"> {TIMEOUT_S:g} s" if seconds is None else f"{seconds * 1000:.1f} ms"


def report() -> dict[str, Any]:
    """Measure, print a few lines, and return the numbers (with any missed target)."""
    patterns = accepted_patterns(GENERATED)
    names = search_times(patterns, MAX_NAME_LENGTH, re.IGNORECASE)
    slowest = sorted(names, key=names.__getitem__, reverse=True)[:SLOWEST]
    # The machine is shared: time the slowest again and keep each one's fastest run.
    for _ in range(4):
        again = search_times(slowest, MAX_NAME_LENGTH, re.IGNORECASE)
        names.update({p: min(names[p], again[p]) for p in slowest})
    slowest = sorted(slowest, key=names.__getitem__, reverse=True)
    values = search_times(slowest + REALISTIC, MAX_VALUE_LENGTH, 0, ["!"])
    name_pattern = slowest[0]
    value_pattern = max(values, key=values.__getitem__)
    realistic = max(values[p] for p in REALISTIC)
    refused = {
        pattern: (
            refused_search(pattern, unit, tail, 27),
            refused_search(pattern, unit, tail, MAX_NAME_LENGTH),
        )
        for pattern, unit, tail in REFUSED
    }
    costs = check_costs()
    print(
        f"regex safety: {len(patterns)} accepted regexes x {len(texts(1))} adversarial texts. "
        f"Slowest search of a {MAX_NAME_LENGTH}-character name: "
        f"{names[name_pattern] * 1000:.1f} ms ({name_pattern!r}); median regex "
        f"{statistics.median(names.values()) * 1000:.2f} ms. Of a {MAX_VALUE_LENGTH}-character "
        f"value: {values[value_pattern] * 1000:.0f} ms ({value_pattern!r}); realistic regexes "
        f"at most {realistic * 1000:.1f} ms"
    )
    for pattern, (short, long) in refused.items():
        print(
            f"  refused {pattern!r}: 27 characters {_shown(short)}, "
            f"{MAX_NAME_LENGTH} characters {_shown(long)}"
        )
    print(
        f"  parsing the default dictionary: {costs['parse_default_s'] * 1000:.1f} ms; "
        f"with 50 regex lines more: {costs['parse_default_plus_50_regexes_s'] * 1000:.1f} ms"
    )
    missed = []
    if names[name_pattern] > WORST_NAME_SEARCH_S:
        missed.append(
            f"regex safety: slowest accepted search {names[name_pattern]:.3f} s > "
            f"{WORST_NAME_SEARCH_S} s ({name_pattern!r})"
        )
    return {
        "accepted": len(patterns),
        "slowest_name_search_s": names[name_pattern],
        "slowest_name_pattern": name_pattern,
        "median_name_search_s": statistics.median(names.values()),
        "slowest_value_search_s": values[value_pattern],
        "slowest_value_pattern": value_pattern,
        "slowest_realistic_value_search_s": realistic,
        "refused_s": {p: {"27": a, str(MAX_NAME_LENGTH): b} for p, (a, b) in refused.items()},
        **costs,
        "missed": missed,
    }


if __name__ == "__main__":
    result = report()
    for line in result["missed"]:
        print(f"TARGET MISSED: {line}")
    sys.exit(1 if result["missed"] else 0)
