"""Tests of the dictionary parser and name matcher (paramguard.matcher)."""

from __future__ import annotations

import dataclasses
import importlib.resources
import string
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paramguard.matcher import Dictionary, DictionaryError, Match, load_default, normalise

SPEC_DICTIONARY = """\
# Test dictionary: the examples from the specification.
password
api key
pass
pwd
token
secret   # long: also inside words
=credential
re:^/legacy/.*cred

# exclusions
!password_policy
!*_length
!public_key
!secret_arn
!tokenizer
!re:^/aws/service/.*
"""
LINE = {
    "password": 2,
    "api key": 3,
    "pass": 4,
    "pwd": 5,
    "token": 6,
    "secret": 7,
    "=credential": 8,
    "re:^/legacy/.*cred": 9,
}


def spec_dictionary() -> Dictionary:
    dictionary, errors = Dictionary.parse(SPEC_DICTIONARY)
    assert errors == []
    return dictionary


def hit(name: str) -> str | None:
    found = spec_dictionary().match(name)
    return None if found is None else found.entry


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("db_password", ["db", "password"]),
        ("dbPassword", ["db", "password"]),
        ("DB-PASSWORD", ["db", "password"]),
        ("/prod/db.password", ["prod", "db", "password"]),
        ("DBPassword", ["db", "password"]),
        ("apiKEY", ["api", "key"]),
        ("APIKey", ["api", "key"]),
        ("MyAPIKey", ["my", "api", "key"]),
        ("password2", ["password", "2"]),
        ("oauth2token", ["oauth", "2", "token"]),
        ("OAuthToken", ["o", "auth", "token"]),
        ("k8s:api server", ["k", "8", "s", "api", "server"]),
        ("ÜberSecretKey", ["über", "secret", "key"]),
        ("/prod/contraseña_DB", ["prod", "contraseña", "db"]),
        ("İstanbulKey", ["İstanbul", "key"]),  # U+0130 kept: its lower case is two characters
        ("", []),
        ("/._-: ", []),
    ],
)
def test_normalise(name: str, words: list[str]) -> None:
    assert normalise(name) == words


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        # separators, camelCase and acronyms
        ("db_password", "password"),
        ("dbPassword", "password"),
        ("DB-PASSWORD", "password"),
        ("/prod/db.password", "password"),
        ("DBPassword", "password"),
        ("password2", "password"),
        ("oauth2token", "token"),
        # multi-word entries: separated and concatenated
        ("apiKey", "api key"),
        ("api-key", "api key"),
        ("API_KEY", "api key"),
        ("ApiKey", "api key"),
        ("apiKEY", "api key"),
        ("/x/apikey", "api key"),
        ("/prod/stripe/api/key", "api key"),
        ("/x/api_keys", None),  # "key" is short, so it must be a whole word
        ("STRIPEAPIKEY", None),  # ... and so must "api"
        ("/x/api_keyboard", None),
        # short entries match whole words only
        ("compass", None),
        ("/app/compass_endpoint", None),
        ("passive", None),
        ("/app/passport_service_url", None),
        ("bypass", None),
        ("db_pass", "pass"),
        ("/smtp/PASS", "pass"),
        ("mysqlPass", "pass"),
        ("DBPASS", None),
        ("DB_PWD", "pwd"),
        ("dbpwd", None),
        # long entries also match inside words
        ("dbpassword", "password"),
        ("mysecretvalue", "secret"),
        ("githubtoken", "token"),
        ("secretary", "secret"),  # a trap only exclusions can fix (the default has !secretary)
        # "=" forces whole words on a long entry
        ("/app/credential", "=credential"),
        ("/app/CREDENTIAL", "=credential"),
        ("/app/credentials", None),
        ("/app/credentialing", None),
        # re: entries search the raw name, case-insensitively
        ("/legacy/app/dbcred", "re:^/legacy/.*cred"),
        ("/LEGACY/x/CRED", "re:^/legacy/.*cred"),
        ("/new/legacy/cred", None),
        # exclusions suppress only the hits they cover
        ("/iam/password_policy", None),
        ("/iam/PasswordPolicy", None),
        ("/iam/passwordpolicy", None),
        ("/iam/password_policy/min_length", None),
        ("/app/password_policy/admin_password", "password"),
        ("/app/password_length", None),
        ("/app/db/password/max_length", None),
        ("/app/min_length/admin_password", "password"),
        ("/app/public_key", None),
        ("/app/db_secret_arn", None),
        ("/app/dbsecret_arn", None),
        ("/app/secret_arn/secret", "secret"),
        ("/ml/tokenizer", None),
        ("/ml/tokenizer/hf_token", "token"),
        ("/aws/service/global-infrastructure/services/secretsmanager", None),
        ("/aws/services/secret", "secret"),
        # several entries hit: the first in file order wins, wherever it is in the name
        ("/x/password_token", "password"),
        ("/x/token_password", "password"),
        ("/x/secret_api_key", "api key"),
        # unicode, odd and huge names
        ("/prod/ÜberPassword", "password"),
        ("🔑/password", "password"),
        ("/prod/пароль", None),
        ("/prod/pass\u200bword", "pass"),
        ("/prod/\ud800/token", "token"),
        ("", None),
        ("////", None),
        ("._-/: \t\n", None),
        ("a" * 2039 + "/password", "password"),
        ("x" * 2048, None),
        ("_" * 2048, None),
    ],
)
def test_match(name: str, entry: str | None) -> None:
    assert hit(name) == entry


@pytest.mark.parametrize("entry", sorted(LINE))
def test_match_reports_entry_as_written_and_its_line(entry: str) -> None:
    names = {
        "password": "/a/password",
        "api key": "/a/API_KEY",
        "pass": "/a/pass",
        "pwd": "/a/pwd",
        "token": "/a/token",
        "secret": "/a/secret",
        "=credential": "/a/credential",
        "re:^/legacy/.*cred": "/legacy/cred",
    }
    assert spec_dictionary().match(names[entry]) == Match(entry, LINE[entry])


def test_exclusion_with_inner_star_covers_words_between() -> None:
    dictionary, errors = Dictionary.parse("password\n!password_*_days\n!db*")
    assert errors == []
    assert dictionary.match("/app/password_reset_link_days") is None
    assert dictionary.match("/app/password_days") is None
    assert dictionary.match("/app/passworddays") == Match("password", 1)
    assert dictionary.match("/db/admin/password") is None  # "db*" covers to the end
    assert dictionary.match("/mydb/admin/password") == Match("password", 1)


def test_regex_exclusion_covers_only_what_it_matches() -> None:
    dictionary, errors = Dictionary.parse("password\n!re:^/aws/\n!re:^/skip/.*")
    assert errors == []
    assert dictionary.match("/aws/password") == Match("password", 1)
    assert dictionary.match("/skip/password") is None


def test_term_exclusion_covers_regex_hit() -> None:
    dictionary, errors = Dictionary.parse("re:pass\n!passport")
    assert errors == []
    assert dictionary.match("/app/passport") is None
    assert dictionary.match("/app/passport/pass") == Match("re:pass", 1)


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("!", [(1, "!", "empty exclusion")]),
        ("!   # nothing", [(1, "!   # nothing", "empty exclusion")]),
        ("password\nbad*entry", [(2, "bad*entry", "'*' is only allowed in exclusions")]),
        ("re:(", [(1, "re:(", "invalid regular expression")]),
        ("\n\n!re:[z-a]", [(3, "!re:[z-a]", "invalid regular expression")]),
        ("re:", [(1, "re:", "empty regular expression")]),
        ("re:.*", [(1, "re:.*", "matches the empty string")]),
        ("!re:x?", [(1, "!re:x?", "matches the empty string")]),
        ("---", [(1, "---", "no letters or digits")]),
        ("=", [(1, "=", "no letters or digits")]),
        ("!*", [(1, "!*", "no letters or digits")]),
        ("!*_-*", [(1, "!*_-*", "no letters or digits")]),
        ("x" * 201, [(1, "x" * 201, "longer than 200")]),
        ("api key\nAPI_KEY", [(2, "API_KEY", "duplicate of line 1")]),
        ("!public key\n!publicKey", [(2, "!publicKey", "duplicate of line 1")]),
        ("a\r\nb\r\n---\r\n", [(3, "---", "no letters or digits")]),
    ],
)
def test_parse_reports_bad_lines(text: str, errors: list[tuple[int, str, str]]) -> None:
    _, found = Dictionary.parse(text)
    assert [(e.line, e.text) for e in found] == [(line, text) for line, text, _ in errors]
    for error, (_, _, message) in zip(found, errors, strict=True):
        assert message in error.message


def test_parse_skips_bad_lines_and_keeps_the_rest() -> None:
    text = "password\n!\nre:(\ntoken\n!*_arn\n!*"
    dictionary, errors = Dictionary.parse(text)
    assert [e.line for e in errors] == [2, 3, 6]
    assert dictionary.entries == ("password", "token")
    assert dictionary.exclusions == ("*_arn",)
    assert len(dictionary) == 2
    assert dictionary.match("/x/token") == Match("token", 4)


def test_parse_comments_blanks_and_whitespace() -> None:
    text = (
        "\ufeff# a comment\n"
        "\n"
        "   \t\n"
        "   password   \n"
        "api key # trailing comment\n"
        "pass#word\n"
        "  # indented comment\n"
        "! secret_arn   # exclusions take comments too\n"
        "re:^/x/ # so do regexes\n"
        "secret\n"
    )
    dictionary, errors = Dictionary.parse(text)
    assert errors == []
    assert dictionary.entries == ("password", "api key", "pass#word", "re:^/x/", "secret")
    assert dictionary.exclusions == ("secret_arn",)
    assert len(dictionary) == 5
    assert dictionary.match("/a/pass-word") == Match("pass#word", 6)
    assert dictionary.match("/x/ ") == Match("re:^/x/", 9)
    assert dictionary.match("/a/comment") is None
    assert dictionary.match("/a/secret_arn") is None


def test_parse_empty_text() -> None:
    dictionary, errors = Dictionary.parse("")
    assert errors == []
    assert len(dictionary) == 0
    assert dictionary.entries == ()
    assert dictionary.exclusions == ()
    assert dictionary.match("/prod/db/password") is None


def test_dictionary_is_immutable() -> None:
    dictionary = spec_dictionary()
    with pytest.raises(dataclasses.FrozenInstanceError):
        dictionary.entries = ()  # type: ignore[misc]
    assert isinstance(dictionary.entries, tuple)
    assert isinstance(dictionary.exclusions, tuple)
    assert hash(dictionary) == hash(spec_dictionary())


def test_errors_and_matches_are_values() -> None:
    assert DictionaryError(1, "!", "m") == DictionaryError(1, "!", "m")
    assert Match("pwd", 3) == Match("pwd", 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Match("pwd", 3).line = 4  # type: ignore[misc]


DEFAULT_PATH = Path(__file__).parents[1] / "dictionary" / "dictionary.txt"


def default_line(entry: str) -> int:
    return DEFAULT_PATH.read_text(encoding="utf-8").splitlines().index(entry) + 1


def test_default_dictionary_loads() -> None:
    dictionary = load_default()
    assert len(dictionary) >= 50
    assert len(dictionary.exclusions) >= 20
    assert dictionary.match("/prod/myapp/db/password") == Match(
        "password", default_line("password")
    )
    assert dictionary.match("/infra/vpc/subnet_ids") is None


def test_default_dictionary_parses_without_errors() -> None:
    dictionary, errors = Dictionary.parse(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert errors == []
    assert dictionary == load_default()


def test_load_default_raises_on_a_bad_bundled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "default_dictionary.txt").write_text("password\n!\n", encoding="utf-8")
    monkeypatch.setattr(importlib.resources, "files", lambda _: tmp_path)
    with pytest.raises(ValueError, match="line 2: empty exclusion"):
        load_default.__wrapped__()


def test_match_is_fast() -> None:
    dictionary = load_default()
    names = [f"/prod/service{i}/config/feature_flag_{i}" for i in range(10_000)]
    names += [f"/prod/service{i}/db/password" for i in range(1_000)]
    started = time.perf_counter()
    found = sum(dictionary.match(name) is not None for name in names)
    elapsed = time.perf_counter() - started
    assert found == 1_000
    assert elapsed < 2.0, f"11,000 names took {elapsed:.2f}s"


def test_huge_name_with_hits_and_star_exclusions_is_fast() -> None:
    dictionary = load_default()
    name = "/a_password_b" * 150
    started = time.perf_counter()
    assert dictionary.match(name) == Match("password", default_line("password"))
    assert time.perf_counter() - started < 1.0


# --- properties ----------------------------------------------------------------------

WORDS = [
    "db",
    "password",
    "Password",
    "PWD",
    "pass",
    "compass",
    "api",
    "Key",
    "KEY",
    "public",
    "secret",
    "arn",
    "token",
    "izer",
    "length",
    "min",
    "policy",
    "prod",
    "x9",
    "2",
    "é",
]
SEPARATORS = ["_", "-", ".", "/", ":", " ", ""]
word_names = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=8
).map(lambda parts: "".join(w + s for w, s in parts))


def term_only_default() -> Dictionary:
    # re: lines search the raw name, so they are exempt from separator invariance.
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if "re:" not in line)
    dictionary, errors = Dictionary.parse(text)
    assert errors == []
    return dictionary


@given(st.text(max_size=300) | word_names)
@settings(max_examples=300, deadline=None)
def test_match_and_normalise_never_raise(name: str) -> None:
    words = normalise(name)
    assert all(word and " " not in word for word in words)
    for dictionary in (load_default(), spec_dictionary()):
        found = dictionary.match(name)
        assert found is None or found.entry in dictionary.entries


@given(st.text(max_size=500))
@settings(max_examples=200, deadline=None)
def test_parse_never_raises(text: str) -> None:
    dictionary, errors = Dictionary.parse(text)
    assert len(dictionary) + len(dictionary.exclusions) + len(errors) <= text.count("\n") + 1
    assert all(error.line >= 1 for error in errors)


@given(st.text(alphabet=string.printable, max_size=80) | word_names.filter(str.isascii))
@settings(max_examples=300, deadline=None)
def test_case_invariance(name: str) -> None:
    for dictionary in (load_default(), spec_dictionary()):
        assert dictionary.match(name.upper()) == dictionary.match(name.lower())


@given(word_names, st.sampled_from(["-", ".", "/"]))
@settings(max_examples=300, deadline=None)
def test_separator_invariance(name: str, separator: str) -> None:
    dictionary = term_only_default()
    assert dictionary.match(name.replace("_", separator)) == dictionary.match(name)


def test_separator_invariance_holds_for_terms_not_regexes() -> None:
    # Shows the property above has teeth: a raw regex is separator-sensitive.
    dictionary, errors = Dictionary.parse("re:db_pass")
    assert errors == []
    assert dictionary.match("db_pass") is not None
    assert dictionary.match("db-pass") is None
