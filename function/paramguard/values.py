"""Find secrets in a parameter's value, whatever the parameter is called.

Detectors, in the order they are tried: well-known credential formats, dictionary `value:`
rules, credentials in URLs and connection strings, secret-named keys in .env/JSON/YAML/INI
blobs, and high-entropy strings. A hit names the detector and nothing else: no function here
returns, logs or keeps the value, a part, a length or a hash of it.

Every regular expression is linear: no quantified group contains another unbounded
quantifier, repeats are bounded, and the text is capped at MAX_INSPECTED_CHARS (SSM's
advanced tier holds at most 8 KB; the standard tier 4 KB).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from .matcher import load_default, normalise

__all__ = [
    "BUILTIN_DETECTORS",
    "MAX_INSPECTED_CHARS",
    "NameJudge",
    "ValueHit",
    "ValueRule",
    "inspect_value",
]

MAX_INSPECTED_CHARS = 8192
_MAX_DEPTH = 2  # layers of base64 decoded and inspected again (a kubeconfig's key data)


@dataclass(frozen=True)
class ValueHit:
    """Which detector fired: a built-in name, or value:<line> for a dictionary value: line."""

    detector: str
    line: int | None = None

    @property
    def matched(self) -> str:
        """The text for a finding's `matched` field: always starts with 'value:'."""
        return self.detector if self.line is not None else f"value:{self.detector}"


class ValueRule(Protocol):
    """A dictionary `value:` line: its text, its line number and its compiled pattern."""

    @property
    def entry(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def pattern(self) -> re.Pattern[str]: ...


class NameJudge(Protocol):
    """Anything that says whether a key name is secret-sounding (matcher.Dictionary does)."""

    def match(self, name: str) -> Any: ...


# ---- small helpers ---------------------------------------------------------------------------

_REPEAT_RUN = re.compile(r"(.)\1{5}")
_ALL_SAME = re.compile(r"(.)\1*", re.DOTALL)


def _ascending_run(text: str, length: int = 6) -> bool:
    run = 1
    for a, b in zip(text, text[1:], strict=False):
        run = run + 1 if ord(b) == ord(a) + 1 else 1
        if run >= length:
            return True
    return False


def _varied(body: str, distinct: int = 8) -> bool:
    """True unless the body is a placeholder: few distinct characters, runs, or EXAMPLE."""
    if len(set(body)) < min(distinct, len(body)):
        return False
    if _REPEAT_RUN.search(body) or _ascending_run(body):
        return False
    return "example" not in body.lower()


def _shannon(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _b64decode(text: str) -> bytes | None:
    """Decode standard or URL-safe base64, padded or not; None if it is not base64."""
    body = text.strip()
    if len(body) < 8 or len(body) % 4 == 1:
        return None
    if "-" in body or "_" in body:
        if "+" in body or "/" in body:
            return None
        body = body.replace("-", "+").replace("_", "/")
    body += "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def _printable_text(data: bytes) -> str | None:
    """The bytes as text if they are mostly printable UTF-8 (so not key material)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
    return text if printable / len(text) >= 0.97 else None


# ---- detector 1: well-known credential formats -----------------------------------------------

_L = r"(?<![A-Za-z0-9])"  # no letter or digit just before
_R = r"(?![A-Za-z0-9])"  # ... or just after
_LW = r"(?<![A-Za-z0-9_\-])"  # also no _ or - (base64url bodies)
_RW = r"(?![A-Za-z0-9_\-])"


@dataclass(frozen=True)
class _Format:
    name: str
    pattern: re.Pattern[str]
    check: Callable[[re.Match[str]], bool]
    # Formats made of two parts (a key ID and its secret) search for the second part once
    # per value, not once per match, so that the cost stays linear.
    requires: Callable[[str], bool] | None = None


def _body_varied(group: int | str = 0, distinct: int = 8) -> Callable[[re.Match[str]], bool]:
    def check(match: re.Match[str]) -> bool:
        return _varied(match.group(group), distinct)

    return check


def _always(match: re.Match[str]) -> bool:
    return True


def _fmt(
    name: str,
    pattern: str,
    check: Callable[[re.Match[str]], bool] | None = None,
    flags: int = 0,
    requires: Callable[[str], bool] | None = None,
) -> _Format:
    return _Format(name, re.compile(pattern, flags), check or _body_varied("body"), requires)


def _has(
    pattern: str, check: Callable[[re.Match[str]], bool] | None = None
) -> Callable[[str], bool]:
    compiled = re.compile(pattern)

    def requires(text: str) -> bool:
        return any(check is None or check(m) for m in compiled.finditer(text))

    return requires


def _jwt_check(match: re.Match[str]) -> bool:
    header = _json_of(match.group("header"))
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        return False
    if header["alg"].lower() == "none":
        return False  # unsigned: proves nothing, so it is no bearer credential
    payload = _json_of(match.group("payload"))
    # A Supabase-style "anon" key is public by design (it ships to browsers).
    return not (isinstance(payload, dict) and payload.get("role") == "anon")


def _json_of(segment: str) -> Any:
    data = _b64decode(segment)
    if data is None:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def _basic_check(match: re.Match[str]) -> bool:
    data = _b64decode(match.group("body"))
    text = _printable_text(data) if data else None
    if text is None or ":" not in text:
        return False
    password = text.split(":", 1)[1]
    return bool(password) and not _placeholder(password)


def _github_check(match: re.Match[str]) -> bool:
    return _varied(match.group("body"), 10)


def _aws_secret_check(match: re.Match[str]) -> bool:
    body = match.group("body")
    lower, upper, _, _ = _classes(body)
    return lower and upper and _varied(body, 16)


def _bearer_check(match: re.Match[str]) -> bool:
    body = match.group("body")
    if not _varied(body, 12) or _placeholder(body):
        return False
    return any(c.isdigit() for c in body) or (len(body) >= 32 and not _english_like(body))


def _twilio_check(match: re.Match[str]) -> bool:
    body = match.group("body")
    hexadecimal = all(c in "0123456789abcdef" for c in body)
    return _varied(body, 10) and (hexadecimal or not _english_like(body))


_FORMATS: tuple[_Format, ...] = (
    # A service account key file names itself; then private keys, whose armour is unambiguous.
    _fmt(
        "gcp-service-account",
        r"\"type\"\s*:\s*\"service_account\"",
        _always,
        requires=_has(r"\"private_key\"\s*:\s*\"[^\"]"),
    ),
    _fmt(
        "private-key",
        r"-----BEGIN[ A-Z0-9]{0,30} PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,300}?[A-Za-z0-9+/]{24}",
        _always,
    ),
    _fmt("private-key", r"PuTTY-User-Key-File-\d: [a-z0-9-]{3,40}\s", _always),
    _fmt("private-key", r"AGE-SECRET-KEY-1(?P<body>[02-9ACDEFGHJKLMNPQRSTUVWXYZ]{58})"),
    # A JSON Web Key with its private member ("d") or a symmetric one ("k").
    _fmt(
        "private-key",
        r"\"kty\"\s*:\s*\"(?:RSA|EC|OKP|oct)\"",
        _always,
        requires=_has(r"\"[dk]\"\s*:\s*\"[A-Za-z0-9_\-]{16}"),
    ),
    # AWS: an access key ID beside a secret key (the ID alone is an identifier).
    _fmt(
        "aws-access-key",
        _L + r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}" + _R,
        _always,
        requires=_has(
            r"(?<![A-Za-z0-9/+])(?P<body>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", _aws_secret_check
        ),
    ),
    _fmt(
        "aws-session-token",
        r"(?<![A-Za-z0-9+/])(?:IQoJ|AgoJ)b3JpZ2luX2Vj(?P<body>[A-Za-z0-9+/]{100,8000})"
        r"|(?<![A-Za-z0-9+/])F[wQ]oGZXIvYXdz(?P<body2>[A-Za-z0-9+/]{100,8000})",
        _always,
    ),
    # Source hosts.
    _fmt("github-token", _LW + r"gh[pousr]_(?P<body>[A-Za-z0-9]{36})" + _R, _github_check),
    _fmt("github-token", _LW + r"github_pat_(?P<body>[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + _R),
    _fmt(
        "gitlab-token",
        _LW + r"gl(?:pat|dt|ptt|rt|ft|soat|oas|imt|cbt|agent|ffct|wt)-"
        r"(?P<body>[A-Za-z0-9_\-]{20,300}(?:\.[a-z0-9]{9})?)" + _RW,
    ),
    _fmt("gitlab-token", _L + r"GR1348941(?P<body>[A-Za-z0-9_\-]{20})" + _RW),
    _fmt("bitbucket-token", _L + r"ATBB(?P<body>[A-Za-z0-9_=.\-]{28,80})" + _RW),
    # Chat and webhooks: a webhook URL is itself the credential.
    _fmt(
        "slack-token",
        _L + r"xox[abposre]-(?P<body>(?:\d-)?[0-9]{6,15}-[A-Za-z0-9\-]{8,250})" + _RW,
    ),
    _fmt("slack-token", _L + r"xoxe(?:\.xox[bp])?-\d-(?P<body>[A-Za-z0-9]{100,300})" + _R),
    _fmt("slack-token", _L + r"xapp-\d-(?P<body>[A-Z0-9]{8,20}-\d{6,20}-[a-z0-9]{32,80})" + _R),
    _fmt(
        "slack-webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<body>[A-Za-z0-9+/_\-]{20,160})",
    ),
    _fmt(
        "discord-webhook",
        r"(?:discord|discordapp)\.com/api/webhooks/\d{5,30}/(?P<body>[A-Za-z0-9_\-]{40,100})",
    ),
    _fmt(
        "discord-token",
        _LW
        + r"(?P<body>[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})"
        + _RW,
    ),
    _fmt(
        "teams-webhook",
        r"\.webhook\.office\.com/webhookb2/[0-9a-fA-F\-]{36}@[0-9a-fA-F\-]{36}"
        r"/IncomingWebhook/(?P<body>[0-9A-Za-z]{32})",
    ),
    _fmt(
        "teams-webhook",
        r"\.logic\.azure\.com(?::443)?/workflows/[0-9a-fA-F]{32}/triggers/"
        r"[^\s?]{1,200}\?[^\s]{0,400}?sig=(?P<body>[A-Za-z0-9_\-%]{30,100})",
    ),
    _fmt(
        "webhook-url",
        r"hooks\.zapier\.com/hooks/catch/\d{3,12}/(?P<body>[A-Za-z0-9]{5,12})(?![A-Za-z0-9])",
        _body_varied("body", 4),
    ),
    _fmt(
        "webhook-url",
        r"maker\.ifttt\.com/(?:trigger/[^\s/?#]{1,100}/(?:json/)?with/)?(?:use/)?key/"
        r"(?P<body>[A-Za-z0-9_\-]{16,64})",
    ),
    _fmt(
        "webhook-url",
        r"://[^\s/?#@]{1,253}/(?:[^\s/?#]{1,100}/){0,4}(?i:web)?(?i:hooks?)/"
        r"(?:[^\s/?#]{1,100}/){0,4}(?P<body>[A-Za-z0-9_\-]{16,128})(?![A-Za-z0-9_\-])",
        lambda m: _random_token(m.group("body")) or _bearer_check(m),
    ),
    _fmt("telegram-bot-token", r"(?<![0-9])\d{8,10}:(?P<body>AA[A-Za-z0-9_\-]{33})" + _RW),
    # Payments.
    _fmt(
        "stripe-key",
        _LW + r"(?:sk|rk)_(?:live|test|prod)_(?P<body>[A-Za-z0-9]{20,250})" + _R,
    ),
    _fmt("stripe-webhook-secret", _LW + r"whsec_(?P<body>[A-Za-z0-9+/=]{32,100})" + _R),
    _fmt("square-token", _LW + r"sq0(?:atp|csp|idp)-(?P<body>[A-Za-z0-9_\-]{22,60})" + _RW),
    _fmt("square-token", _LW + r"EAAA(?P<body>[A-Za-z0-9_\-]{60})" + _RW),
    _fmt("facebook-token", _L + r"EAA[BCDGIMZ](?P<body>[A-Za-z0-9]{80,400})" + _R),
    _fmt(
        "braintree-token",
        r"access_token\$(?:production|sandbox)\$(?P<body>[a-z0-9]{16}\$[a-f0-9]{32})",
    ),
    _fmt("shopify-token", _L + r"shp(?:at|ca|pa|ss)_(?P<body>[a-fA-F0-9]{32})" + _R),
    _fmt("shippo-token", _L + r"shippo_(?:live|test)_(?P<body>[a-f0-9]{40})" + _R),
    # Messaging and email.
    _fmt(
        "sendgrid-api-key",
        _L + r"SG\.(?P<body>[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})" + _RW,
    ),
    _fmt("mailgun-api-key", _LW + r"key-(?P<body>[0-9a-f]{32})" + _R),
    _fmt("mailgun-api-key", _L + r"(?P<body>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})" + _R),
    _fmt("mailchimp-api-key", _L + r"(?P<body>[0-9a-f]{32})-us\d{1,2}" + _R),
    _fmt("sendinblue-api-key", _L + r"xkeysib-(?P<body>[a-f0-9]{64}-[A-Za-z0-9]{16})" + _R),
    _fmt("postman-api-key", _L + r"(?P<body>PMAK-[a-f0-9]{24}-[a-f0-9]{34})" + _R),
    # Package registries.
    _fmt("npm-token", _LW + r"npm_(?P<body>[A-Za-z0-9]{36})" + _R),
    _fmt("pypi-token", _L + r"pypi-AgE(?P<body>[A-Za-z0-9_\-]{60,2000})"),
    _fmt("rubygems-token", _L + r"rubygems_(?P<body>[a-f0-9]{48})" + _R),
    # Clouds.
    _fmt("google-api-key", _L + r"AIza(?P<body>[A-Za-z0-9_\-]{35})" + _RW),
    _fmt("google-oauth-secret", _L + r"GOCSPX-(?P<body>[A-Za-z0-9_\-]{28})" + _RW),
    _fmt("google-oauth-token", _L + r"ya29\.(?P<body>[A-Za-z0-9_\-]{30,2000})"),
    _fmt("google-oauth-token", r"(?<![A-Za-z0-9/])1//0(?P<body>[A-Za-z0-9_\-]{40,500})"),
    _fmt(
        "azure-storage-key",
        r"(?i:AccountKey)\s*=\s*(?P<body>[A-Za-z0-9+/]{80,90}={0,2})",
    ),
    _fmt(
        "azure-shared-access-key",
        r"(?i:SharedAccessKey)\s*=\s*(?P<body>[A-Za-z0-9+/]{40,90}={0,2})",
    ),
    _fmt(
        "azure-sas",
        r"(?:^|[?&;\s\"'])sig=(?P<body>[A-Za-z0-9%+/=]{30,200})",
        requires=_has(r"(?:^|[?&;\s\"'])sv=\d{4}-\d\d-\d\d"),
    ),
    _fmt(
        "azure-ad-client-secret",
        r"(?<![A-Za-z0-9_~.\-])(?P<body>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})"
        r"(?![A-Za-z0-9_~.\-])",
    ),
    _fmt(
        "alibaba-secret",
        _L + r"LTAI(?P<body>[A-Za-z0-9]{20})" + _R,
        requires=_has(_L + r"(?P<body>[A-Za-z0-9]{30})" + _R, _body_varied("body", 12)),
    ),
    _fmt("digitalocean-token", _L + r"do[opr]_v1_(?P<body>[a-f0-9]{64})" + _R),
    _fmt("heroku-api-key", _L + r"HRKU-AA(?P<body>[A-Za-z0-9_\-]{58})" + _RW),
    _fmt("cloudflare-origin-ca-key", _L + r"v1\.0-(?P<body>[a-f0-9]{24}-[a-f0-9]{146})" + _R),
    _fmt("fly-token", _L + r"fo1_(?P<body>[A-Za-z0-9_\-]{43})" + _RW),
    _fmt("supabase-token", _L + r"sbp_(?P<body>[a-f0-9]{40})" + _R),
    _fmt("planetscale-token", _L + r"pscale_(?:tkn|pw|oauth)_(?P<body>[A-Za-z0-9_=.\-]{32,64})"),
    _fmt(
        "tailscale-key", _L + r"tskey-[a-z]{3,10}-(?P<body>[A-Za-z0-9]{10,20}-[A-Za-z0-9]{20,60})"
    ),
    _fmt(
        "launchdarkly-key",
        _L
        + r"(?:sdk|api)-(?P<body>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
        + _R,
    ),
    _fmt("vercel-token", _L + r"vc[pkai]_(?P<body>[A-Za-z0-9]{40,80})" + _R),
    _fmt("netlify-token", _L + r"nf[pc]_(?P<body>[A-Za-z0-9]{36,64})" + _R),
    _fmt("render-token", _L + r"rnd_(?P<body>[A-Za-z0-9]{28,64})" + _R),
    # Secret stores and platforms.
    _fmt("vault-token", _LW + r"hv[sbr]\.(?P<body>[A-Za-z0-9_\-]{24,300})" + _RW),
    _fmt(
        "doppler-token", _LW + r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?P<body>[A-Za-z0-9_.\-]{40,80})"
    ),
    _fmt("onepassword-token", _L + r"ops_eyJ(?P<body>[A-Za-z0-9+/]{200,4000})"),
    _fmt(
        "atlassian-api-token", _L + r"AT(?:ATT|CTT|OA)[A-Za-z0-9](?P<body>[A-Za-z0-9_\-=]{150,260})"
    ),
    _fmt("terraform-cloud-token", r"[a-z0-9]{14}\.atlasv1\.(?P<body>[A-Za-z0-9_\-=]{60,70})"),
    _fmt("pulumi-token", _L + r"pul-(?P<body>[a-f0-9]{40})" + _R),
    _fmt("buildkite-token", _L + r"bkua_(?P<body>[a-f0-9]{40})" + _R),
    _fmt("circleci-token", _L + r"CCIPAT_(?P<body>[A-Za-z0-9]{20,30}_[a-f0-9]{40})" + _R),
    _fmt("sonar-token", _L + r"sq[upa]_(?P<body>[a-f0-9]{40})" + _R),
    _fmt("sourcegraph-token", _L + r"sgp_(?P<body>(?:[a-f0-9]{16}_)?[a-f0-9]{40})" + _R),
    _fmt("artifactory-token", _L + r"(?:AKCp|cmVmdGtu)(?P<body>[A-Za-z0-9]{55,80})" + _R),
    _fmt("databricks-token", _L + r"dapi(?P<body>[a-f0-9]{32})(?:-\d)?" + _R),
    _fmt("dynatrace-token", _L + r"dt0c01\.(?P<body>[A-Z0-9]{24}\.[A-Z0-9]{64})" + _R),
    _fmt("grafana-token", _L + r"glsa_(?P<body>[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})" + _R),
    _fmt("grafana-token", _L + r"glc_(?P<body>[A-Za-z0-9+/]{32,400})"),
    _fmt("grafana-token", _L + r"eyJrIjoi(?P<body>[A-Za-z0-9+/]{50,300})"),
    _fmt("new-relic-key", _L + r"NR(?:AK|II)-(?P<body>[A-Z0-9]{27,32})" + _R),
    _fmt("sentry-token", _L + r"sntry[us]_(?P<body>[A-Za-z0-9+/=_]{60,400})"),
    _fmt("linear-api-key", _L + r"lin_api_(?P<body>[A-Za-z0-9]{40})" + _R),
    _fmt("notion-token", _L + r"(?:ntn_[0-9]{11}|secret_)(?P<body>[A-Za-z0-9]{35,43})" + _R),
    _fmt("airtable-token", _L + r"pat(?P<body>[A-Za-z0-9]{14}\.[a-f0-9]{64})" + _R),
    _fmt("prefect-token", _L + r"pnu_(?P<body>[A-Za-z0-9]{36})" + _R),
    _fmt("readme-token", _L + r"rdme_(?P<body>[a-z0-9]{70})" + _R),
    _fmt("contentful-token", _L + r"CFPAT-(?P<body>[A-Za-z0-9_\-]{43})" + _RW),
    _fmt("easypost-token", _L + r"EZ[AT]K(?P<body>[A-Za-z0-9]{54})" + _R),
    _fmt("duffel-token", _L + r"duffel_(?:test|live)_(?P<body>[A-Za-z0-9_\-=]{43})"),
    _fmt("typeform-token", _L + r"tfp_(?P<body>[A-Za-z0-9_\-.=]{59})"),
    _fmt("frameio-token", _L + r"fio-u-(?P<body>[A-Za-z0-9_\-=]{64})"),
    _fmt("openshift-token", _L + r"sha256~(?P<body>[A-Za-z0-9_\-]{43})" + _RW),
    _fmt(
        "harness-token",
        _L + r"(?:pat|sat)\.(?P<body>[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\."
        r"[A-Za-z0-9]{20})" + _R,
    ),
    _fmt("django-secret-key", r"django-insecure-(?P<body>[^\s\"']{30,80})"),
    # AI providers.
    _fmt(
        "openai-api-key",
        _LW + r"sk-(?:proj|svcacct|admin)-(?P<body>[A-Za-z0-9_\-]{40,300})" + _RW,
    ),
    _fmt(
        "openai-api-key", _LW + r"sk-(?P<body>[A-Za-z0-9_\-]{16,100}T3BlbkFJ[A-Za-z0-9_\-]{16,100})"
    ),
    _fmt(
        "anthropic-api-key",
        _LW + r"sk-ant-(?:api|admin|oat|sid)\d\d-(?P<body>[A-Za-z0-9_\-]{80,120})" + _RW,
    ),
    _fmt("huggingface-token", _L + r"(?:hf_|api_org_)(?P<body>[A-Za-z0-9]{34,40})" + _R),
    _fmt(
        "ai-provider-key",
        _L + r"(?:gsk_|pcsk_|r8_|xai-|pplx-|lsv2_(?:pt|sk)_)"
        r"(?P<body>[A-Za-z0-9_]{32,120})" + _R,
    ),
    # Maps.
    _fmt(
        "mapbox-secret-token", _L + r"sk\.eyJ(?P<body>[A-Za-z0-9_\-]{20,200}\.[A-Za-z0-9_\-]{20,})"
    ),
    # Password hashes: crackable offline, so as sensitive as the password (bcrypt, argon2,
    # sha-crypt, md5-crypt/apr1).
    _fmt(
        "password-hash",
        r"\$(?:2[abxy]?\$\d\d|argon2(?:id|i|d)\$v=\d+\$[a-z=0-9,]{5,40}|[56]|1|apr1)\$"
        r"(?P<body>[A-Za-z0-9./+]{8,30}\$[A-Za-z0-9./+]{20,90}|[A-Za-z0-9./]{50,60})",
    ),
    # .pgpass: host:port:database:user:password
    _fmt(
        "connection-string",
        r"(?m)^[A-Za-z0-9.\-*]{1,253}:(?:\d{1,5}|\*):[^:\s]{1,63}:[^:\s]{1,63}:"
        r"(?P<body>[^:\s]{4,256})$",
        lambda m: not _placeholder(m.group("body")),
    ),
    # Bearer material in headers and JWTs.
    _fmt(
        "jwt",
        _LW + r"(?P<header>eyJ[A-Za-z0-9_\-]{8,2000})\.(?P<payload>eyJ[A-Za-z0-9_\-]{2,6000})"
        r"\.(?P<sig>[A-Za-z0-9_\-]{16,2000})",
        _jwt_check,
    ),
    _fmt("basic-auth", r"(?i:\bbasic)[ \t]+(?P<body>[A-Za-z0-9+/]{6,1000}={0,2})", _basic_check),
    _fmt(
        "bearer-token",
        r"(?i:\b(?:bearer|token)[ \t]+(?:token=)?)(?P<body>[A-Za-z0-9_\-.~+/]{20,2000}=*)",
        _bearer_check,
    ),
    _fmt("twitter-bearer-token", r"A{22}(?P<body>[A-Za-z0-9%]{60,200})" + _R),
    # A Twilio account or API-key SID beside a 32-character token (the SID alone is an ID).
    _fmt(
        "twilio-credentials",
        _L + r"(?:AC|SK)[0-9a-f]{32}" + _R,
        _always,
        requires=_has(_L + r"(?P<body>[A-Za-z0-9]{32})" + _R, _twilio_check),
    ),
)


# ---- detector 3: credentials in URLs ---------------------------------------------------------

_URL_USERINFO = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{0,30}://"
    r"(?P<user>[^\s:/?#@\"'<>]{0,256}):(?P<password>[^\s/?#\"'<>]{1,256})@"
    r"(?=[A-Za-z0-9\[_.\-%])"
)
# jdbc:oracle:thin:user/password@host
_ORACLE_THIN = re.compile(
    r"jdbc:oracle:thin:(?P<user>[^\s/@:]{1,128})/(?P<password>\S{1,256})@(?=[A-Za-z0-9(\[])"
)

_PLACEHOLDER_WORDS = frozenset(
    """password passwd pass pwd secret token key apikey api_key yourpassword your_password
    your-password mypassword my_password placeholder example redacted removed hidden
    masked none null nil undefined empty dummy todo tbd fixme replace_me replaceme
    replace-me change_me changeit xxx n/a na default sample test value string secret_value
    password_here your_token your_api_key insert_password_here""".split()
)
_REFERENCE = re.compile(
    r"""^(?:
        \$\{[^}]{1,200}\}            # ${VAR}, ${ssm:/x}
      | \$\([^)]{1,200}\)            # $(VAR)
      | \$[A-Za-z_][A-Za-z0-9_]{0,100}  # $VAR
      | %[A-Za-z_][A-Za-z0-9_]{0,100}%  # %VAR%
      | %\(?[A-Za-z_]{0,40}\)?s      # %s, %(name)s
      | \{\{[^}]{0,300}\}\}          # {{ template }}, {{resolve:...}}
      | \#\{[^}]{1,200}\}            # #{VAR}
      | <%=?[^%]{0,200}%>            # ERB
      | <[^<>]{1,80}>                # <password>
      | \[[^\[\]]{1,80}\]            # [REDACTED]
      | ENC\[[^\]]{1,8000}\]         # SOPS ciphertext
      | (?:vault|op|ssm|secretsmanager|awssecret|azkv|gcpsm|sm|env|file|ref|secret)
        :[^\s]{1,300}               # secret-store references
      | arn:aws[\w-]{0,20}:(?:secretsmanager|ssm|kms):[^\s]{1,300}
      | !Ref\s.{1,100} | !Sub\s.{1,300} | !GetAtt\s.{1,100}
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_MASK = re.compile(r"^[*•xX#.\-_?]{1,64}$")


def _placeholder(value: str) -> bool:
    """True for values that stand in for a secret: references, masks and example words."""
    text = value.strip().strip("\"'").strip()
    if not text:
        return True
    if _MASK.match(text) or _ALL_SAME.fullmatch(text):
        return True
    if _REFERENCE.match(text):
        return True
    lowered = text.lower()
    if lowered in _PLACEHOLDER_WORDS:
        return True
    compact = re.sub(r"[\s_\-]", "", lowered)
    return (
        compact.startswith(_PLACEHOLDER_STARTS)
        and len(compact) <= 40
        and not any(c.isdigit() for c in compact)
    )


_PLACEHOLDER_STARTS = ("your", "insert", "enter", "replace", "change", "setme", "setin", "todo")


def _url_credentials(text: str) -> bool:
    for match in _URL_USERINFO.finditer(text):
        password = unquote(match.group("password"))
        if not _placeholder(password):
            return True
    for match in _ORACLE_THIN.finditer(text):
        if not _placeholder(match.group("password")):
            return True
    return False


# ---- detector 4: secret-named keys in blobs --------------------------------------------------

# key = value, key: value, key => value, "key": "value", with the separators of .env, YAML,
# INI, properties, connection strings, query strings and command lines.
_ASSIGNMENT = re.compile(
    r"""(?:^|(?<=[\s{,;&?(|]))(?:export[ \t]+|--?)?
    ["']?(?P<key>[A-Za-z_@$][A-Za-z0-9_.\-/\[\]]{0,99})["']?
    [ \t]*(?P<sep>=>|:=|=|:)(?!//)[ \t]*
    (?P<value>"(?:[^"\\\n]|\\.){0,1000}"|'[^'\n]{0,1000}'|\{[^{}\n]{0,500}\}
        |[^\s,;&"'<>{}\[\]]{1,1000}
        # an unquoted value ends its line, field or clause; prose goes on with more words
        (?=[ \t]*(?:[\r\n,;&})\]\#]|\Z|-{1,2}[A-Za-z])))""",
    re.VERBOSE,
)
# netrc: "machine host login user password secret" (only in text that has a machine line)
_NETRC_MACHINE = re.compile(r"(?:^|\s)(?:machine[ \t]+\S|default\s)")
_NETRC = re.compile(
    r"(?<![A-Za-z0-9_])(?P<key>password|passwd|account)[ \t]+(?P<value>[^\s]{1,512})"
)
# XML: <add key="Password" value="..."/> and <password>...</password>
_XML_ATTR = re.compile(
    r"""<add\s+key\s*=\s*["'](?P<key>[^"']{1,100})["']\s+value\s*=\s*["'](?P<value>[^"']{1,1000})["']""",
    re.IGNORECASE,
)
_XML_ELEMENT = re.compile(r"<(?P<key>[A-Za-z_][\w.\-]{0,60})>(?P<value>[^<>\n]{1,1000})</(?P=key)>")

# Keys that the name dictionary leaves alone but that carry credentials in some formats (a
# Docker config's "auth", an .npmrc's "_auth"); their values must look like key material.
_AUTH_KEYS = frozenset({"auth", "_auth", "authorization", "proxy-authorization"})
_USER_PASSWORD = re.compile(r"^[^:\s]{1,128}:\S{1,256}$")
# Keys whose values are identifiers or fingerprints, never credentials: their values are
# kept out of the entropy check.
_ID_KEY_WORDS = frozenset(
    """id ids uuid guid hash digest checksum sha sha1 sha256 sha512 md5 etag fingerprint
    thumbprint integrity version revision commit build arn url uri host hostname endpoint
    region bucket name path file image tag ref kid trace correlation request nonce sid
    zone subnet vpc ami account tenant client site public publishable cert certificate x5t
    x5c alg kty""".split()
)
# JWK members that hold public numbers; a one-letter key must match whole.
_PUBLIC_JWK_KEYS = frozenset({"n", "e", "x", "y"})
_WEBHOOK_KEY = re.compile(r"hook", re.IGNORECASE)
_URL_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{1,30}://\S+$")
_BOOLEAN_OR_NUMBER = re.compile(
    r"^(?:true|false|yes|no|on|off|enabled?|disabled?|required|optional|none|null|nil"
    r"|-?\d{1,7}(?:\.\d+)?(?:ms|s|m|h|d|w|k|kb|mb|gb|mi|gi|%)?)$",
    re.IGNORECASE,
)
_PATH_VALUE = re.compile(r"^(?:~?/|\./|\.\./|[A-Za-z]:\\|file:)[^\s]{0,500}$")


@dataclass(frozen=True)
class _Pair:
    key: str
    value: str


def _unquote(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    if len(value) >= 2 and value[0] == "{" and value[-1] == "}":
        value = value[1:-1]
    return value.strip()


def _json_pairs(data: Any, depth: int = 0) -> Iterator[_Pair]:
    if depth > 20:
        return
    if isinstance(data, dict):
        named = data.get("name", data.get("Name", data.get("key", data.get("Key"))))
        value = data.get("value", data.get("Value"))
        if isinstance(named, str) and isinstance(value, str):
            yield _Pair(named, value)  # ECS/CloudFormation style [{"name": k, "value": v}]
        for key, item in data.items():
            if isinstance(item, str):
                yield _Pair(str(key), item)
            elif isinstance(item, (int, float)) and not isinstance(item, bool):
                yield _Pair(str(key), str(item))
            else:
                yield from _json_pairs(item, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _json_pairs(item, depth + 1)


def _pairs(text: str) -> list[_Pair]:
    """Every key/value pair found in the text, in any of the formats above."""
    pairs: list[_Pair] = []
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            pairs.extend(_json_pairs(json.loads(stripped)))
        except (ValueError, RecursionError):
            pass
    for match in _ASSIGNMENT.finditer(text):
        value = match.group("value")
        if match.group("sep") == ":" and value.startswith("//"):
            continue  # a URL's scheme, not a key
        pairs.append(_Pair(match.group("key"), _unquote(value)))
    patterns = (
        (_NETRC, _XML_ATTR, _XML_ELEMENT)
        if _NETRC_MACHINE.search(text)
        else (
            _XML_ATTR,
            _XML_ELEMENT,
        )
    )
    for pattern in patterns:
        pairs.extend(
            _Pair(m.group("key"), _unquote(m.group("value"))) for m in pattern.finditer(text)
        )
    return pairs


def _leaf(key: str) -> str:
    return re.split(r"[/\[\]]", key.strip("[]/"))[-1] or key


def _credential_value(key: str, value: str) -> bool:
    """True if a secret-named key's value looks like a real credential."""
    value = value.strip()
    if _placeholder(value) or _BOOLEAN_OR_NUMBER.match(value):
        return False
    if _URL_VALUE.match(value):
        # An endpoint is no secret unless the key says the URL is a webhook's.
        return bool(_WEBHOOK_KEY.search(key)) or _url_credentials(value)
    if _PATH_VALUE.match(value):
        return False
    return len(value) >= 4


def _auth_material(value: str) -> bool:
    """A value under an "auth" key: base64 of user:password, a scheme and token, or random."""
    text = value.strip()
    scheme, _, rest = text.partition(" ")
    if rest and scheme.lower() in {"basic", "bearer", "token", "digest"}:
        text = rest.strip()
    data = _b64decode(text)
    decoded = _printable_text(data) if data else None
    if decoded is not None and _USER_PASSWORD.match(decoded):
        return not _placeholder(decoded.split(":", 1)[1])
    return _random_token(text)


def _blob_secret(pairs: Sequence[_Pair], names: NameJudge) -> bool:
    for pair in pairs:
        leaf = _leaf(pair.key)
        if leaf.lower() in _AUTH_KEYS:
            if _auth_material(pair.value):
                return True
        elif names.match(leaf) is not None and _credential_value(leaf, pair.value):
            if _ends_in_secret_noun(leaf) or _credential_like(pair.value.strip()):
                return True
    return False


# The last word of a key says what its value is: DB_PASSWORD holds a password, while
# password_required, token_store and secretKeyRef hold settings about one.
_SECRET_NOUNS = frozenset(
    {
        "password", "passwd", "pwd", "pw", "pass", "passphrase", "passcode", "secret",
        "secrets", "token", "tokens", "key", "keys", "apikey", "credential", "credentials",
        "creds", "cred", "pin", "salt", "pepper", "hash", "seed", "otp", "totp", "hmac",
        "signature", "cookie", "auth", "authorization", "bearer", "jwt", "sas", "sig", "pat",
        "dsn", "license", "licence", "string", "url", "uri",
    }
)  # fmt: skip


def _ends_in_secret_noun(key: str) -> bool:
    words = normalise(key)
    return bool(words) and words[-1] in _SECRET_NOUNS


def _credential_like(value: str) -> bool:
    """A value that is not a plain word or identifier: random, or letters with digits."""
    if _random_token(value):
        return True
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    return len(value) >= 8 and has_letter and has_digit and not _english_like(value)


def _connection_secret(pairs: Sequence[_Pair]) -> bool:
    return any(
        pair.key.replace(" ", "").lower() in _CONNECTION_KEYS and _credential_value("", pair.value)
        for pair in pairs
    )


_CONNECTION_KEYS = frozenset(
    {"password", "pwd", "passwd", "sharedaccesskey", "accountkey", "sharedaccesssignature"}
)


_K8S_SECRET_KIND = re.compile(r"^kind:[ \t]*[\"']?Secret[\"']?[ \t]*$", re.MULTILINE)
_K8S_SECRET_DATA = re.compile(
    r"^(?:data|stringData):[ \t]*\n[ \t]+[^\s:]{1,253}:[ \t]*\S", re.MULTILINE
)


# ---- detector 5: high-entropy strings --------------------------------------------------------

_TOKEN_SPLIT = re.compile(r"[\s\"'`,;()<>\[\]{}|\\]+")
_KEY_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}[=:](?!//)")
# Whole tokens that are identifiers, digests or addresses, never credentials.
_QUIET_SHAPES = re.compile(
    r"""^(?:
        [0-9a-fA-F]{8,}                                   # hex: digests, git SHAs, keys' IDs
      | 0x[0-9a-fA-F]+
      | [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}  # UUID
      | (?:[0-9a-fA-F]{2}[:\-]){5,}[0-9a-fA-F]{2}        # MAC, fingerprints
      | (?:sha(?:1|224|256|384|512)|md5|SHA(?:1|256|384|512)|MD5)[:\-=][A-Za-z0-9+/=_\-]{8,}
      | arn:aws[\w\-]{0,20}:[\w\-]{1,64}:[\w\-]{0,32}:\d{0,12}:\S{1,2000}
      | [a-z]{1,12}(?:-[a-z]{1,12}){0,2}-[0-9a-f]{8,32}   # ami-, vpc-, sg-, i-, tgw-attach-
      | [a-z]{2}(?:-gov)?-[a-z]{2,10}-\d(?:_[A-Za-z0-9]{9}|:[0-9a-f\-]{36})  # Cognito pools
      | 1-[0-9a-f]{8}-[0-9a-f]{24}                        # X-Ray trace ID
      | [A-Za-z][A-Za-z0-9+.\-]{1,30}://\S{0,2000}         # URLs: judged by url-credentials
      | [A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,24}  # e-mail
      | (?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,24}\.?(?::\d{1,5})?
      | v?\d{1,4}(?:\.\d{1,6}){1,3}(?:[\-+][0-9A-Za-z.\-]{1,40})?  # versions
      | \d{4}-\d\d-\d\d(?:[T\ ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+\-]\d\d:?\d\d)?)?
      | [\d.:/\-]{1,64}                                    # numbers, IPs, CIDRs, dates
      | (?:[a-z]{2,12}_)[A-Za-z0-9]{8,28}                  # prefixed object IDs (price_, cus_)
      | pk_(?:live|test)_[A-Za-z0-9]{10,250}               # Stripe publishable keys
      | pk\.eyJ[A-Za-z0-9_\-.]{10,400}                     # Mapbox public tokens
      | pub[0-9a-f]{32}                                    # Datadog client tokens
      | nonce-[A-Za-z0-9+/=_\-]{8,200}                       # CSP nonces
      | [A-Z]{2}[0-9a-f]{32}                               # Twilio SIDs
      | A(?:KIA|SIA|IDA|ROA|GPA|IPA|NPA|NVA|SCA|CCA|BIA|3T[A-Z0-9])[A-Z0-9]{12,17}(?::\S{1,64})?
      | 0o[a-z][A-Za-z0-9]{17}                             # Okta object IDs
      | (?:mob|sdk)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}
    )$""",
    re.VERBOSE,
)
_REGEX_SYNTAX = re.compile(r"a-z|A-Z|0-9|\\[dwsS]|\{\d{1,4},\d{0,4}\}|\(\?[:=!<]")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{6,}")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# The 200 most frequent letter pairs in the words of CPython's standard library source
# (identifiers, comments and docstrings: the vocabulary of configuration), which cover 93 %
# of its pairs. In identifiers about four pairs in five are among them; in random letters
# 200/676, under one in three.
_COMMON_BIGRAMS = frozenset(
    """se in re er th on or te de es at st ed el ra en he no et is le al ti ar an ne co me it
    tr nt ge lf as nd od ng ro io ct ap pa li if ta ec rt ur to ri am di ce pe ss ef fo gr ma
    la na om ot si tu ve ex ph ns fi ue ad mp nc il ic lo rn ch ea ca ac rs un po ul ha im ou
    ut pr ll be dg ty of va ls cl ig pl ai em ts op so rr hi lu mo nx us lt da ke ep os tt ee
    pt su fa ab wi fr ho um rg ir ol we id yp ie sp ni ck pp dd do up bu bl oc ru ow ht gh ei
    mu qu wo ry au py ey xt mi gs ob ag ci rk ly ld oo tw nu vi ba rm ib eg ia sh ze bo eq fu
    ip iv wa rc yt cr sa wh du iz fl by ms tc gi ev cu nf xc nn bj""".split()
)
_RANDOM_RATE = len(_COMMON_BIGRAMS) / 26**2
_IN_WORDS = math.log(0.8 / _RANDOM_RATE)
_NOT_IN_WORDS = math.log(0.2 / (1 - _RANDOM_RATE))
_FILE_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"BZh")


def _english_like(token: str) -> bool:
    """True if the token's letters read as words (an identifier), not as random draws.

    A log-likelihood ratio over letter pairs: English-like pairs push it up, random ones down.
    """
    score = 0.0
    pairs = 0
    covered = 0
    has_word = False
    # Hex runs (IDs, digests) inside an identifier say nothing about its words.
    for run in _HEX_RUN.findall(token):
        if any(c.isdigit() for c in run):
            token = token.replace(run, " ")
    for word in _WORD.findall(token):
        lowered = word.lower()
        hits = 0
        for pair in zip(lowered, lowered[1:], strict=False):
            pairs += 1
            common = pair[0] + pair[1] in _COMMON_BIGRAMS
            hits += common
            score += _IN_WORDS if common else _NOT_IN_WORDS
        if len(word) >= 5 and hits >= 2 * (len(word) - 1) / 3:
            has_word = True
            covered += len(word)
    if not has_word:
        return False  # identifiers hold at least one real word of five letters or more
    letters = sum(1 for c in token if c.isalpha())
    if covered >= 0.6 * letters:
        return True  # mostly real words: "Chrome/120.0", "AppleWebKit"
    # Identifiers score about +0.6 a pair and random letters about -0.8; a long random string
    # can reach +3 by chance (under 1 % of the time), but hardly +0.15 a pair.
    return score >= max(3.0, 0.15 * pairs)


def _classes(token: str) -> tuple[bool, bool, bool, bool]:
    lower = any(c.islower() for c in token)
    upper = any(c.isupper() for c in token)
    digit = any(c.isdigit() for c in token)
    other = any(not c.isalnum() for c in token)
    return lower, upper, digit, other


def _random_token(token: str) -> bool:
    """True for a string that looks drawn at random: a key, token or generated password."""
    n = len(token)
    if n < 12 or n > 1000 or not token.isascii() or _QUIET_SHAPES.match(token):
        return False
    if n < 16:
        return _short_password(token)
    if not _varied(token, 10):
        return False
    lower, upper, digit, other = _classes(token)
    if _english_like(token) or all(c in "abcdefABCDEF" for c in token if c.isalpha()):
        return False  # words, or hex digits with separators
    entropy = _shannon(token)
    if other:
        symbols = {c for c in token if not c.isalnum()}
        base64ish = symbols <= set("+/=-_")
        if base64ish:
            if not (lower and upper):
                return False
            if n < 20:
                return digit and entropy >= 3.5  # a short generated password
            return entropy >= 3.9 and (digit or n >= 32)
        # Generated passwords: symbols scattered among both cases (a generator's output of 16
        # or more characters lacks one case about once in 500), or long one-case keys.
        if _REGEX_SYNTAX.search(token):
            return False
        # One case only is a long key (Django's alphabet) unless it has the separators of
        # paths, hosts and image names.
        one_case = n >= 40 and digit and not symbols & set("/.:")
        mixed = (lower and upper) or one_case
        # With all four classes present, repeats (low entropy) are common in short draws.
        floor = 3.2 if lower and upper and digit else 3.6
        return mixed and entropy >= floor and _classes_mixed(token)
    if lower and upper:
        if digit and n < 20:
            return entropy >= 3.5  # a short generated password without punctuation
        return n >= 20 and (entropy >= 3.6 if digit else n >= 32 and entropy >= 3.9)
    if (lower or upper) and digit:
        # One case only: IDs (Cognito clients, zones) are short; keys are long.
        return n >= 32 and entropy >= 4.2
    return False


_PASSWORD_SYMBOLS = frozenset("!@#$%^&*+=?~<>[]{}()|")


def _short_password(token: str) -> bool:
    """12 to 15 characters: every class, punctuation that identifiers never use, no words."""
    lower, upper, digit, _ = _classes(token)
    return (
        lower
        and upper
        and digit
        and any(c in _PASSWORD_SYMBOLS for c in token)
        and len(set(token)) >= 0.7 * len(token)
        and not _REGEX_SYNTAX.search(token)
        and not _english_like(token)
        and "example" not in token.lower()
    )


def _classes_mixed(token: str) -> bool:
    # Identifiers and lists keep symbols between words or IDs ("my-app_v2", "sg-1,sg-2");
    # generated passwords scatter them, so their runs of letters and digits are short.
    runs = [len(run) for run in re.findall(r"[A-Za-z0-9]+", token)]
    return bool(runs) and max(runs) <= 24


def _random_bytes(token: str, data: bytes) -> bool:
    """Padded base64 of 16 or more bytes that are not text: a key (AES, HMAC, Fernet)."""
    lower, upper, _, _ = _classes(token)
    return (
        _varied(token, 12)
        and len(data) >= 16
        and (token.endswith("=") or len(token) % 4 == 0)
        and lower
        and upper
        and len(set(token)) >= 12
        and not _english_like(token)
    )


def _decoded_verdict(data: bytes) -> str | None:
    """For base64 that decodes to bytes: 'private-key', 'quiet' (public or a file), or None."""
    if data.startswith(b"openssh-key-v1\x00"):
        return "private-key"
    if data[:4] in {b"\x00\x00\x00\x07", b"\x00\x00\x00\x0b", b"\x00\x00\x00\x13"} and (
        data[4:8] in {b"ssh-", b"ecds", b"sk-s"}
    ):
        return "quiet"  # an SSH public key blob
    if any(data.startswith(magic) for magic in _FILE_MAGIC):
        return "quiet"
    shape = _der_shape(data)
    if shape == "private":
        return "private-key"
    if shape == "public":
        return "quiet"
    return None


def _der_shape(data: bytes) -> str | None:
    """'private' for PKCS#1/#8/SEC1 keys, 'public' for certificates and public keys."""
    body = _der_content(data, 0x30)
    if body is None:
        return None
    if body.startswith(b"\x02\x01\x00") or body.startswith(b"\x02\x01\x01\x04"):
        return "private"  # version 0 (PKCS#1, PKCS#8) or 1 with an OCTET STRING (SEC1)
    inner = _der_content(body, 0x30)
    if inner is None:
        return None
    if inner[:1] == b"\x06" and inner[2:10] in _PBE_OIDS:
        return "private"  # EncryptedPrivateKeyInfo: still a private key
    if inner[:1] in {b"\xa0", b"\x06", b"\x02"}:
        return "public"  # TBSCertificate, or SubjectPublicKeyInfo's algorithm
    return None


# PKCS#5 and PKCS#12 password-based encryption (1.2.840.113549.1.5 / .1.12).
_PBE_OIDS = (b"\x2a\x86\x48\x86\xf7\x0d\x01\x05", b"\x2a\x86\x48\x86\xf7\x0d\x01\x0c")


def _der_content(data: bytes, tag: int) -> bytes | None:
    if len(data) < 2 or data[0] != tag:
        return None
    length = data[1]
    start = 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 3 or len(data) < 2 + count:
            return None
        length = int.from_bytes(data[2 : 2 + count], "big")
        start = 2 + count
    if length < 2 or start + length > len(data):
        return None
    return data[start : start + length]


# ---- the pipeline ------------------------------------------------------------------------------

BUILTIN_DETECTORS: tuple[str, ...] = (
    *dict.fromkeys(f.name for f in _FORMATS),
    "url-credentials",
    "connection-string",
    "kubernetes-secret",
    "env-blob",
    "high-entropy",
)


def inspect_value(
    value: str,
    extra: Sequence[ValueRule] = (),
    *,
    names: NameJudge | None = None,
    disabled: Collection[str] = (),
) -> ValueHit | None:
    """The first detector that finds a secret in value, or None; never raises.

    extra are the dictionary's `value:` rules, tried after the built-in formats; names judges
    key names inside blobs (default: the bundled name dictionary); disabled names built-in
    detectors to skip.
    """
    text = value[:MAX_INSPECTED_CHARS]
    try:
        return _inspect(text, extra, names or load_default(), frozenset(disabled), 0)
    except RecursionError:
        return None


def _inspect(
    text: str,
    extra: Sequence[ValueRule],
    names: NameJudge,
    disabled: frozenset[str],
    depth: int,
) -> ValueHit | None:
    if not text.strip():
        return None
    for fmt in _FORMATS:
        if fmt.name in disabled:
            continue
        if fmt.requires is not None and not fmt.requires(text):
            continue
        for match in fmt.pattern.finditer(text):
            if fmt.check(match):
                return ValueHit(fmt.name)
    for rule in extra:
        if rule.pattern.search(text) is not None:
            return ValueHit(f"value:{rule.line}", rule.line)
    if "url-credentials" not in disabled and _url_credentials(text):
        return ValueHit("url-credentials")
    pairs = _pairs(text)
    if "connection-string" not in disabled and ";" in text and _connection_secret(pairs):
        return ValueHit("connection-string")
    if (
        "kubernetes-secret" not in disabled
        and _K8S_SECRET_KIND.search(text)
        and _K8S_SECRET_DATA.search(text)
    ):
        return ValueHit("kubernetes-secret")
    if "env-blob" not in disabled and _blob_secret(pairs, names):
        return ValueHit("env-blob")
    return _entropy_and_decoded(text, extra, names, disabled, depth, pairs)


def _entropy_and_decoded(
    text: str,
    extra: Sequence[ValueRule],
    names: NameJudge,
    disabled: frozenset[str],
    depth: int,
    pairs: Sequence[_Pair],
) -> ValueHit | None:
    quiet = {p.value for p in pairs if _id_key(p.key)}
    seen: set[str] = set()
    for token in _candidates(_NOT_SECRET_SPANS.sub(" ", text)):
        if len(token) < 12 or token in quiet or token in seen:
            continue
        seen.add(token)
        if _QUIET_SHAPES.match(token) or _quiet_list(token):
            continue
        prefix = _KEY_PREFIX.match(token)
        if prefix and token[prefix.end() :].strip("="):
            if _id_key(prefix.group()[:-1]):
                continue
            rest = token[prefix.end() :]
            if rest in quiet or _QUIET_SHAPES.match(rest) or _placeholder(rest):
                continue
            key = prefix.group()[:-1]
            if "high-entropy" not in disabled and not _identifier_key(key) and _random_token(token):
                return ValueHit("high-entropy")  # a password that happens to hold = or :
            token = rest
            if len(token) < 12:
                continue
        data = _b64decode(token)
        if data is not None:
            decoded_text = _printable_text(data)
            if decoded_text is not None:
                if depth < _MAX_DEPTH:
                    hit = _inspect(decoded_text, extra, names, disabled, depth + 1)
                    if hit is not None:
                        return hit
                continue  # base64 of ordinary text
            verdict = _decoded_verdict(data)
            if verdict == "quiet":
                continue
            if verdict == "private-key" and "private-key" not in disabled:
                return ValueHit("private-key")
            if "high-entropy" not in disabled and _random_bytes(token, data):
                return ValueHit("high-entropy")
        if "high-entropy" not in disabled and _random_token(token):
            return ValueHit("high-entropy")
    return None


# Spans with long random-looking text that is public or encrypted: certificates, public
# keys, signatures (any PEM block not labelled PRIVATE) and SOPS ciphertext.
_NOT_SECRET_SPANS = re.compile(
    r"-----BEGIN (?P<label>(?:(?!PRIVATE)[A-Z0-9 ]){1,40})-----[\s\S]{0,8192}?"
    r"-----END (?P=label)-----"
    r"|ENC\[[A-Z0-9_]{1,20},data:[^\]]{0,8192}\]"
    r"|<(?P<tag>(?:[A-Za-z]{1,10}:)?X509Certificate)>[^<]{0,8192}</(?P=tag)>"
)
_QUOTES = "\"'`,;"
_PAIRS = frozenset({"()", "[]", "{}", "<>"})


_OPENING = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSING = {close: open_ for open_, close in _OPENING.items()}


def _trim(word: str) -> str:
    """The word without quotes, separators, and brackets that enclose it or pair nothing."""
    trimmed = word
    while True:
        before = trimmed
        trimmed = trimmed.strip(_QUOTES + ".:")
        if len(trimmed) >= 2 and trimmed[0] + trimmed[-1] in _PAIRS:
            trimmed = trimmed[1:-1]
        if trimmed and trimmed[0] in _OPENING and _OPENING[trimmed[0]] not in trimmed:
            trimmed = trimmed[1:]
        if trimmed and trimmed[-1] in _CLOSING and _CLOSING[trimmed[-1]] not in trimmed:
            trimmed = trimmed[:-1]
        if trimmed == before:
            return trimmed


def _candidates(text: str) -> Iterator[str]:
    """Whitespace-separated tokens whole (a password may hold brackets), then their pieces."""
    for word in text.split():
        if not any(c in word for c in "\"'`,"):
            yield word  # whole: generated passwords hold brackets and colons
        yield _trim(word)
        pieces = _TOKEN_SPLIT.split(word)
        if len(pieces) > 1:
            for piece in pieces:
                yield piece.strip(".:")


# Each word is letters with at most a trailing number (s3, ec2, oauth2), as identifiers are
# written; random strings interleave letters and digits.
_IDENTIFIER_KEY = re.compile(
    r"^(?:[a-z]+[0-9]*(?:[_.\-][a-z]+[0-9]*)*"  # snake_case, kebab-case, dotted
    r"|[A-Z]+[0-9]*(?:_[A-Z]+[0-9]*)*"  # ENV_STYLE
    r"|[a-z]+[0-9]*(?:[A-Z][a-z]+[0-9]*)+"  # camelCase
    r"|(?:[A-Z][a-z]+[0-9]*)+)$"  # PascalCase
)


def _identifier_key(key: str) -> bool:
    """snake_case, kebab-case, ENV_STYLE, camelCase or PascalCase of 3+ characters."""
    return len(key) >= 3 and (_IDENTIFIER_KEY.match(key) is not None or _english_like(key))


def _quiet_list(token: str) -> bool:
    """A comma- or semicolon-separated list of identifiers ("sg-1,sg-2", "a=1;b=2")."""
    pieces = [p for p in re.split(r"[,;|]", token) if p]
    return len(pieces) >= 2 and all(_quiet_piece(p) for p in pieces)


def _quiet_piece(piece: str) -> bool:
    prefix = _KEY_PREFIX.match(piece)
    value = piece[prefix.end() :] if prefix else piece
    return (
        len(value) < 16
        or _QUIET_SHAPES.match(value) is not None
        or _english_like(value)
        or _placeholder(value)
    )


def _id_key(key: str) -> bool:
    if key in _PUBLIC_JWK_KEYS:
        return True
    words = normalise(key)
    return bool(words) and len(words[-1]) > 1 and words[-1] in _ID_KEY_WORDS
