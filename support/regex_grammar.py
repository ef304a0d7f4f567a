"""The regex grammar the regex-safety property test and `bench.regex_safety` draw from."""

from __future__ import annotations

ATOMS = ["a", "b", "/", "_", "1", "[ab]", "[^/]", ".", r"\w", r"\d", r"\s", "[^a]", "x"]
# Bounded quantifiers stay well under the shorter text, or over the longer one, so that
# doubling the text doubles what they may take.
QUANTIFIERS = ["*", "+", "?", "{1,3}", "{2}", "*?", "{0,3}", "{0,40}", "+?"]
UNITS = ["a", "b", "/", "_", "1", " ", "x", "ab", "a/", "b/", "a_", "aab", "a1", "a "]
TAILS = ["", "!", "a", "b", "/", " ", "x"]
