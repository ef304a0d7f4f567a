"""Tests of value inspection (paramguard.values): detectors, safety, and the labelled corpus.

Secret-shaped test values are computed (tests/data/values/generate.py), never written out,
so this file holds no credential for a scanner or push protection to stop at.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paramguard.matcher import Dictionary
from paramguard.values import (
    BUILTIN_DETECTORS,
    MAX_INSPECTED_CHARS,
    ValueHit,
    inspect_value,
)

from tests.data.values import generate as corpus
from tests.data.values.generate import Gen, P

MIN_RECALL = 0.95
MAX_FALSE_POSITIVE_RATE = 0.01
# The committed seed, and others: the goals must hold for any draw, not one lucky corpus.
SEEDS = (corpus.SEED, 1, 2, 3)


@dataclass(frozen=True)
class Rule:
    """A dictionary value: line as the matcher will hand it over."""

    entry: str
    line: int
    pattern: re.Pattern[str]


def detector(value: str) -> str | None:
    hit = inspect_value(value)
    return None if hit is None else hit.detector


def made(kind: str, seed: int = 7) -> str:
    """One value of a corpus kind."""
    table = {**corpus.SECRET_KINDS, **corpus.NON_SECRET_KINDS}
    return table[kind][0](Gen(seed))


# ---- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    recall: float
    false_positive_rate: float
    misses: dict[str, int]
    false_alarms: dict[str, int]

    def __str__(self) -> str:
        return (
            f"recall {self.recall:.3f}, false positives {self.false_positive_rate:.2%}; "
            f"missed per kind {self.misses}; false alarms per kind {self.false_alarms}"
        )


def score(rows: list[corpus.Row]) -> Score:
    found: Counter[int] = Counter()
    totals: Counter[int] = Counter()
    misses: defaultdict[str, int] = defaultdict(int)
    false_alarms: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        flagged = inspect_value(row.value) is not None
        totals[row.label] += 1
        found[row.label] += flagged
        if row.label and not flagged:
            misses[row.kind] += 1
        elif not row.label and flagged:
            false_alarms[row.kind] += 1
    return Score(
        recall=found[1] / totals[1],
        false_positive_rate=found[0] / totals[0],
        misses=dict(misses),
        false_alarms=dict(false_alarms),
    )


def test_corpus_is_broad_and_balanced() -> None:
    rows = corpus.generate()
    secrets = [r for r in rows if r.label]
    others = [r for r in rows if not r.label]
    assert len({r.kind for r in secrets}) >= 40
    assert len({r.kind for r in others}) >= 40
    assert len(secrets) >= 300 and len(others) >= 300
    assert len({r.value for r in rows}) == len(rows), "a value appears twice"
    # Deterministic: the same seed draws the same corpus.
    assert corpus.to_tsv(corpus.generate()) == corpus.to_tsv(rows)


def test_corpus_tsv_round_trips() -> None:
    rows = corpus.generate(per_kind=2)
    lines = corpus.to_tsv(rows).splitlines()
    assert lines[0] == "value\tlabel\tkind\tnote"
    for line, row in zip(lines[1:], rows, strict=True):
        field, label, kind, _ = line.split("\t")
        assert (corpus.unescape(field), int(label), kind) == (row.value, row.label, row.kind)


def test_github_checksum_matches_the_published_vector() -> None:
    # therootcompany/base62-token.js publishes this expired token's body and checksum; it
    # pins CRC32 over the 30-character body and the base62 alphabet 0-9A-Za-z.
    assert corpus.base62_crc32("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ") == "0mLq17"


@pytest.mark.parametrize("seed", SEEDS)
def test_value_inspection_meets_the_goals(seed: int) -> None:
    result = score(corpus.generate(seed))
    assert result.recall >= MIN_RECALL, f"seed {seed}: {result}"
    assert result.false_positive_rate <= MAX_FALSE_POSITIVE_RATE, f"seed {seed}: {result}"


def test_only_bare_hex_keys_are_missed_as_a_class() -> None:
    # A bare hex key has the shape of a checksum; every other kind must be found nearly always.
    result = score(corpus.generate(per_kind=20))
    weak = {kind: n for kind, n in result.misses.items() if n > 2}
    assert weak == {"hex-key-bare": 20}, str(result)


# ---- detectors, one class at a time ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("github-token", "github-token"),
        ("github-fine-grained-pat", "github-token"),
        ("gitlab-token", "gitlab-token"),
        ("slack-token", "slack-token"),
        ("slack-webhook", "slack-webhook"),
        ("discord-webhook", "discord-webhook"),
        ("teams-webhook", "teams-webhook"),
        ("stripe-secret-key", "stripe-key"),
        ("stripe-webhook-secret", "stripe-webhook-secret"),
        ("sendgrid-api-key", "sendgrid-api-key"),
        ("pypi-token", "pypi-token"),
        ("google-api-key", "google-api-key"),
        ("gcp-service-account", "gcp-service-account"),
        ("azure-storage-connection-string", "azure-storage-key"),
        ("azure-service-bus", "azure-shared-access-key"),
        ("azure-sas", "azure-sas"),
        ("azure-ad-client-secret", "azure-ad-client-secret"),
        ("heroku-api-key", "heroku-api-key"),
        ("shopify-token", "shopify-token"),
        ("atlassian-api-token", "atlassian-api-token"),
        ("anthropic-api-key", "anthropic-api-key"),
        ("vault-token", "vault-token"),
        ("doppler-token", "doppler-token"),
        ("braintree-access-token", "braintree-token"),
        ("pgp-private-key", "private-key"),
        ("private-key-der-base64", "private-key"),
        ("age-secret-key", "private-key"),
        ("telegram-bot-token", "telegram-bot-token"),
        ("mapbox-secret-token", "mapbox-secret-token"),
        ("launchdarkly-key", "launchdarkly-key"),
        ("password-hash", "password-hash"),
        ("pgpass-line", "connection-string"),
        ("kubernetes-secret", "kubernetes-secret"),
        ("aws-credentials-file", "aws-access-key"),
        ("aws-env-pair", "aws-access-key"),
        ("aws-secret-key-bare", "high-entropy"),
        ("paypal-client-secret", "high-entropy"),
    ],
)
def test_known_formats_are_named(kind: str, expected: str) -> None:
    for seed in range(5):
        assert detector(made(kind, seed)) == expected, (kind, seed)


@pytest.mark.parametrize("seed", range(10))
def test_every_private_key_armour_is_found(seed: int) -> None:
    assert detector(made("private-key-pem", seed)) == "private-key"


def test_access_key_id_alone_is_an_identifier_but_with_its_secret_a_credential() -> None:
    g = Gen(3)
    key_id, secret = corpus.aws_keypair(g)
    assert detector(key_id) is None
    assert detector(f"aws_access_key_id = {key_id}") is None
    assert detector(f"{key_id},{secret}") == "aws-access-key"
    assert detector(json.dumps({"id": key_id, "key": secret})) == "aws-access-key"
    # The AWS documentation's example pair is a placeholder, not a leak.
    example = "AKIAIOSFODNN7" + "EXAMPLE"
    assert detector(f"{example}:wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY") is None


def test_jwts_are_bearer_tokens_unless_unsigned_or_public_by_design() -> None:
    g = Gen(5)
    header = corpus.b64url_json({"alg": "RS256", "typ": "JWT"})
    payload = corpus.b64url_json({"sub": "svc", "exp": 1900000000})
    signature = g.b64(256, url=True, pad=False)
    assert detector(f"{header}.{payload}.{signature}") == "jwt"
    assert detector(f"Bearer {header}.{payload}.{signature}") == "jwt"
    unsigned = corpus.b64url_json({"alg": "none"})
    assert detector(f"{unsigned}.{payload}.") is None
    anon = corpus.b64url_json({"iss": "supabase", "role": "anon"})
    assert detector(f"{header}.{anon}.{signature}") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("postgres://app:{pw}@db.internal:5432/orders", "url-credentials"),
        (
            "mongodb+srv://svc:{pw}@cluster0.ab1cd.mongodb.net/app?retryWrites=true",
            "url-credentials",
        ),
        ("redis://:{pw}@cache.internal:6379/0", "url-credentials"),
        ("amqps://user:{pw}@mq.internal:5671/vhost", "url-credentials"),
        ("jdbc:oracle:thin:scott/{pw}@db.internal:1521/ORCL", "url-credentials"),
        ("Server=db;Database=app;User Id=sa;Password={pw};", "connection-string"),
        ("Driver={{ODBC Driver 18}};Server=db;Uid=sa;Pwd={pw};", "connection-string"),
        ("jdbc:postgresql://db:5432/app?user=app&password={pw}", "env-blob"),
        ("ssh://git@github.com/acme/app.git", None),
        ("postgres://app@db.internal:5432/orders", None),
        ("postgres://app:${{DB_PASSWORD}}@db.internal/orders", None),
        ("postgres://app:<password>@db.internal/orders", None),
        ("postgres://app:****@db.internal/orders", None),
        ("Server=db;Database=app;User Id=sa;Password={{{{password}}}};", None),
        ("Server=db;Database=app;Integrated Security=true;", None),
        ("https://user:password@example.com/docs", None),
    ],
)
def test_credentials_in_urls_and_connection_strings(value: str, expected: str | None) -> None:
    assert detector(value.format(pw="Harbor" + "2024!x")) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DB_HOST=db.internal\nDB_PASSWORD={pw}\nLOG_LEVEL=info\n", "env-blob"),
        ("export API_TOKEN={pw}\n", "env-blob"),
        ('{{"db": {{"host": "db", "password": "{pw}"}}}}', "env-blob"),
        ("database:\n  user: app\n  password: {pw}\n", "env-blob"),
        ("spring.datasource.password={pw}\n", "env-blob"),
        ("[db]\nhost = db\npassword = {pw}\n", "env-blob"),
        ("machine api.example.com login bot password {pw}\n", "env-blob"),
        ('[{{"name": "SMTP_PASSWORD", "value": "{pw}"}}]', "env-blob"),
        ('<add key="ClientSecret" value="{pw}" />', "env-blob"),
        ("DB_PASSWORD=${{DB_PASSWORD}}\nAPI_KEY=<your-api-key>\nSECRET=\n", None),
        ('{{"token_ttl_seconds": 3600, "password_min_length": 12, "secret_arn": "arn"}}', None),
        ("require_password: true\npassword_policy: strong\n", None),
        ("auth:\n  provider: okta\n  token_url: https://id.example.com/token\n", None),
        ("DB_PASSWORD={{{{resolve:ssm-secure:/prod/db}}}}\n", None),
        ("password_file: /run/secrets/db\n", None),
        # Prose is not an assignment.
        ("Your password expires in 30 days; reset it at the portal.", None),
        ("Password: stored in the team vault, ask the on-call.", None),
        ("mysql --user=root --password={pw} -h db.internal", "env-blob"),
        # The last word says what the value is: these hold settings about a secret.
        ("passwordRequired=always\ntoken_store=redis\nsecretKeyRef=db-secret\n", None),
        ("credential_source=Ec2InstanceMetadata\nsecretsBackend=vault\n", None),
        # ... unless the value itself looks like key material.
        ("SECRET_KEY_BASE=" + "9f8e7d6c5b4a3928" * 8 + "\n", "env-blob"),
        ("otpauth://totp/Acme:ops?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acme", "env-blob"),
    ],
)
def test_secret_named_keys_in_blobs(value: str, expected: str | None) -> None:
    assert detector(value.format(pw="Maple" + "Leaf77")) == expected


def test_docker_auth_counts_only_when_it_encodes_a_password() -> None:
    def config(auth: str) -> str:
        return json.dumps({"auths": {"ghcr.io": {"auth": auth}}})

    creds = base64.b64encode(b"bot:" + b"Falcon" + b"Ridge99").decode()
    assert detector(config(creds)) == "env-blob"
    assert detector(config(base64.b64encode(b"bot:").decode())) is None
    assert detector("auth: oauth2") is None


def test_names_judge_is_the_dictionary_passed_in() -> None:
    blob = "INTERNAL_LAUNCH_CODE=Ember" + "Quartz41\n"
    assert inspect_value(blob) is None
    mine, errors = Dictionary.parse("launch code\n")
    assert errors == []
    assert inspect_value(blob, names=mine) == ValueHit("env-blob")


@pytest.mark.parametrize(
    "kind",
    [
        "hex-digest",
        "uuid",
        "arn",
        "ami-id",
        "resource-id",
        "cidr-list",
        "container-image",
        "ssh-public-key",
        "certificate-public-key",
        "jwks",
        "base64-text",
        "aws-identifiers",
        "twilio-sid-alone",
        "stripe-public",
        "encrypted-or-reference",
        "tool-config",
        "oauth-client-id",
        "url-user-only",
    ],
)
def test_identifiers_digests_and_public_material_stay_quiet(kind: str) -> None:
    for seed in range(10):
        value = made(kind, seed)
        assert detector(value) is None, (kind, seed)


@pytest.mark.parametrize("length", [16, 24, 32])
def test_generated_passwords_and_random_keys_are_high_entropy(length: int) -> None:
    # A random draw reads like words now and then; the detector must miss under 3 %.
    g = Gen(length)
    passwords = Counter(detector(g.generated_password(length)) for _ in range(200))
    keys = Counter(detector(g.b64(length)) for _ in range(200))
    assert passwords["high-entropy"] >= 194, passwords
    assert keys["high-entropy"] >= 194, keys


@pytest.mark.parametrize(
    "value",
    [
        "ProductionClusterPrimaryReplica01",
        "my-service-prod-eu-west-1-blue-green",
        "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole",
        "The quick brown fox jumps over the lazy dog at 2024-05-01T10:00:00Z",
        "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$",
        "application/vnd.api+json; charset=utf-8",
        "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha512-" + base64.b64encode(bytes(range(64))).decode(),
        "10.0.0.0/16,10.1.0.0/16,192.168.0.0/24",
        "cron(0 12 * * ? *)",
        "true",
        "",
        "   ",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36",
        "default-src 'self'; script-src 'nonce-rAnd0mN0nceValue22Chrs'; object-src 'none'",
        "jwtAlgorithm=RS256\nsigningKeyId=k1\n",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
        "Data Source=db.internal;Initial Catalog=orders;Integrated Security=SSPI;",
        "mongodb://db1.internal:27017,db2.internal:27017/app?replicaSet=rs0&authSource=admin",
    ],
)
def test_ordinary_configuration_is_quiet(value: str) -> None:
    assert inspect_value(value) is None


@pytest.mark.parametrize("length", [12, 14])
def test_short_generated_passwords_need_every_class_and_punctuation(length: int) -> None:
    g = Gen(length)
    with_punctuation = [
        p
        for p in (g.generated_password(length) for _ in range(400))
        if any(c in "!@#$%&*()=+[]{}<>?" for c in p)
    ]
    found = sum(detector(p) == "high-entropy" for p in with_punctuation)
    assert found >= 0.9 * len(with_punctuation), (found, len(with_punctuation))
    # A short identifier or version with the same length stays quiet.
    assert detector("Release-2024.1") is None
    assert detector("MyService_v12") is None


def test_base64_is_decoded_and_inspected_again() -> None:
    inner = "DB_PASSWORD=" + "Willow" + "Saddle42\n"
    assert detector(base64.b64encode(inner.encode()).decode()) == "env-blob"
    # Twice encoded is still found; three times is past the depth limit and not followed.
    twice = base64.b64encode(base64.b64encode(inner.encode())).decode()
    assert detector(twice) == "env-blob"
    plain = base64.b64encode(b'{"service": "orders", "region": "eu-west-1"}').decode()
    assert detector(plain) is None


def test_placeholders_in_known_formats_are_not_credentials() -> None:
    assert detector(P["ghp"] + "x" * 36) is None
    assert detector(P["sk_live"] + "0123456789abcdefghijklmn") is None
    assert detector(P["ghp"] + Gen(1).chars(corpus.ALNUM, 36)) == "github-token"


# ---- value: lines, disabled detectors, limits ------------------------------------------------


def test_dictionary_value_rules_are_tried_after_the_formats() -> None:
    rule = Rule("value:ACME-[0-9A-F]{12}", 12, re.compile(r"ACME-[0-9A-F]{12}"))
    hit = inspect_value("token ACME-0A1B2C3D4E5F", [rule])
    assert hit == ValueHit("value:12", 12)
    assert hit.matched == "value:12"
    assert inspect_value("token ACME-0A1B2C3D4E5F") is None
    github = P["ghp"] + Gen(2).chars(corpus.ALNUM, 36)
    both = inspect_value(f"{github} ACME-0A1B2C3D4E5F", [rule])
    assert both is not None and both.matched == "value:github-token"
    other = Rule("value:^never$", 3, re.compile(r"^never$"))
    assert inspect_value("ACME", [other]) is None


def test_disabled_detectors_are_skipped() -> None:
    password = Gen(4).generated_password(24)
    assert detector(password) == "high-entropy"
    assert inspect_value(password, disabled={"high-entropy"}) is None
    key = made("private-key-pem")
    assert inspect_value(key, disabled={"private-key"}) is None or (
        inspect_value(key, disabled={"private-key"}) == ValueHit("high-entropy")
    )
    assert set(BUILTIN_DETECTORS) >= {"private-key", "env-blob", "high-entropy", "jwt"}


def test_only_the_first_8_kb_are_inspected() -> None:
    token = made("github-token")
    filler = "x " * (MAX_INSPECTED_CHARS // 2)
    assert detector(token + " " + filler) == "github-token"
    assert detector(filler + token) is None


@pytest.mark.parametrize(
    "unit",
    [
        "a",
        "A1",
        "=",
        "a=",
        "a:",
        "://",
        "https://a:b@",
        "-----BEGIN ",
        "-----BEGIN PRIVATE KEY-----",
        "eyJhbGciOi.",
        "AKIA" + "A" * 16 + " ",
        "sv=2020-01-01&",
        "kind: Secret\n",
        '"kty":"RSA",',
        '"type": "service_account", ',
        "{",
        "[",
        '{"a":',
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ== ",
        "ENC[AES256_GCM,data:",
        "$2b$12$",
    ],
)
def test_hostile_inputs_at_the_size_limit_complete(unit: str) -> None:
    # Every pattern is linear; a regression to backtracking would hang here (make bench
    # reports the time; tests assert no wall-clock figure).
    text = (unit * (MAX_INSPECTED_CHARS // len(unit) + 1))[:MAX_INSPECTED_CHARS]
    hit = inspect_value(text)
    assert hit is None or hit.detector in BUILTIN_DETECTORS


# ---- never the value -------------------------------------------------------------------------

# Everything a hit can show by itself: each detector's repr, matched text and name.
_VOCABULARY = (
    "\n".join(f"{ValueHit(name)!r} {ValueHit(name).matched} {name}" for name in BUILTIN_DETECTORS)
    + " value:9 ValueHit(detector='value:9', line=9)"
)
SECRET_KINDS = sorted(corpus.SECRET_KINDS)


def _leaks(value: str, hit: ValueHit) -> list[str]:
    shown = f"{hit!r} {hit.matched} {hit.detector} {hit.line}"
    return [
        value[i : i + 4]
        for i in range(len(value) - 3)
        # A substring that is part of the fixed vocabulary (a value containing "private")
        # proves nothing either way; every other one would be a leak.
        if value[i : i + 4] in shown and value[i : i + 4] not in _VOCABULARY
    ]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    kind=st.sampled_from(SECRET_KINDS),
    seed=st.integers(0, 2**32),
    before=st.text(max_size=40),
    after=st.text(max_size=40),
)
def test_a_hit_never_carries_any_part_of_the_value(
    kind: str, seed: int, before: str, after: str
) -> None:
    value = before + corpus.SECRET_KINDS[kind][0](Gen(seed)) + after
    rule = Rule("value:zz", 9, re.compile("zz"))
    hit = inspect_value(value, [rule])
    if hit is None:
        return
    assert hit.detector in BUILTIN_DETECTORS or (hit.detector, hit.line) == ("value:9", 9)
    assert _leaks(value, hit) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text_is_inspected_without_raising(value: str) -> None:
    hit = inspect_value(value)
    assert hit is None or hit.detector in BUILTIN_DETECTORS


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=30,
    )
)
def test_any_json_is_inspected_without_raising(data: object) -> None:
    inspect_value(json.dumps(data))


def test_deeply_nested_json_does_not_raise() -> None:
    assert inspect_value("[" * 5000 + "]" * 5000) is None


def _factories() -> list[Callable[[Gen], str]]:
    return [make for make, _ in corpus.SECRET_KINDS.values()]


def test_every_secret_kind_is_inspected_within_the_limit() -> None:
    for make in _factories():
        value = make(Gen(11))
        assert len(value) <= MAX_INSPECTED_CHARS
