"""Configuration of the function, read once from environment variables."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_NAMESPACE = "ParamStoreAnalyser"
_NAMESPACE_RE = re.compile(r"^[A-Za-z0-9.\-_/#:]{1,255}$")
_TOPIC_ARN_RE = re.compile(
    r"^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$"
)


def default_max_decompressed_bytes(memory_mb: int) -> int:
    """The largest log a function of this memory reads by default: (memory - 96 MB) x 0.6.

    Terraform sets the same (max_decompressed_mb); bench/hostile.py measured the worst
    case it must fit: 1.3 MiB resident per MiB of log over a base of 60-70 MiB.
    """
    return (memory_mb - 96) * 3 * 1024 * 1024 // 5  # exact, as Terraform computes it


class ConfigError(ValueError):
    """An environment variable is missing or invalid; the message names it."""


def validate_namespace(namespace: str) -> str:
    """Return the namespace if CloudWatch would accept it for custom metrics."""
    if namespace.startswith("AWS/"):
        raise ConfigError(
            f"METRIC_NAMESPACE={namespace!r}: namespaces starting with 'AWS/' are reserved "
            "for AWS services; use e.g. 'ParamStoreAnalyser'"
        )
    if not _NAMESPACE_RE.match(namespace):
        raise ConfigError(
            f"METRIC_NAMESPACE={namespace!r}: 1-255 characters of letters, digits and . - _ / # :"
        )
    return namespace


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={value}: expected a number from {minimum} to {maximum}")
    return value


_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def _regions(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("INVENTORY_REGIONS", "").strip()
    if not raw:
        own = env.get("AWS_REGION", "").strip() or env.get("AWS_DEFAULT_REGION", "").strip()
        return (own,) if own else ()
    regions = tuple(part.strip() for part in raw.split(",") if part.strip())
    for region in regions:
        if not _REGION_RE.match(region):
            raise ConfigError(f"INVENTORY_REGIONS: {region!r} is not a region name like us-east-1")
    return regions


_ACCOUNT_RE = re.compile(r"^\d{12}$")
_ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
_QUEUE_URL_RE = re.compile(r"^https://[A-Za-z0-9.-]+/\d{12}/[A-Za-z0-9_-]{1,80}(\.fifo)?$")


def _accounts(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("SWEEP_ACCOUNTS", "")
    accounts = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    for account in accounts:
        if not _ACCOUNT_RE.match(account):
            raise ConfigError(f"SWEEP_ACCOUNTS: {account!r} is not a 12-digit account ID")
    return accounts


def _role_name(env: Mapping[str, str]) -> str:
    name = env.get("MEMBER_ROLE_NAME", "").strip()
    if name and not _ROLE_NAME_RE.match(name):
        raise ConfigError(
            f"MEMBER_ROLE_NAME={name!r}: a role name (1-64 of letters, digits and +=,.@_-)"
        )
    return name


def _queue_url(env: Mapping[str, str]) -> str:
    url = env.get("SWEEP_QUEUE_URL", "").strip()
    if url and not _QUEUE_URL_RE.match(url):
        raise ConfigError(f"SWEEP_QUEUE_URL={url!r}: not an SQS queue URL")
    return url


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise ConfigError(f"{name}={env[name]!r}: expected true, false, 1 or 0")


@dataclass(frozen=True)
class Config:
    """What the function needs to know about its deployment."""

    dictionary_bucket: str
    dictionary_key: str
    dictionary_ttl_seconds: int
    metric_namespace: str
    sns_topic_arn: str
    max_notifications: int
    max_decompressed_bytes: int
    dedup_table_name: str
    dictionary_min_ratio_percent: int
    inventory_regions: tuple[str, ...]
    log_level: str
    inspect_values: bool = False  # read each plaintext write's value and run the detectors
    securityhub_findings: bool = False  # import each finding into Security Hub (ASFF)
    event_bus_name: str = ""  # put each finding on this EventBridge bus ("": off)
    member_role_name: str = ""  # the role assumed in member accounts ("": own account only)
    sweep_queue_url: str = ""  # the scheduled sweep fans out one message per account here
    sweep_accounts: tuple[str, ...] = ()  # instead of organizations:ListAccounts

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Parse and validate the environment; raise ConfigError naming the bad variable."""
        env = os.environ if env is None else env
        bucket = env.get("DICTIONARY_BUCKET", "").strip()
        if not bucket:
            raise ConfigError("DICTIONARY_BUCKET is required: the bucket holding dictionary.txt")
        topic = env.get("SNS_TOPIC_ARN", "").strip()
        if not topic:
            raise ConfigError("SNS_TOPIC_ARN is required: the topic that receives findings")
        if not _TOPIC_ARN_RE.match(topic):
            raise ConfigError(f"SNS_TOPIC_ARN={topic!r}: not an SNS topic ARN")
        key = env.get("DICTIONARY_KEY", "dictionary.txt").strip().lstrip("/")
        if not key:
            raise ConfigError("DICTIONARY_KEY is empty: the object key of the dictionary")
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(f"LOG_LEVEL={level!r}: one of DEBUG, INFO, WARNING, ERROR")
        return cls(
            dictionary_bucket=bucket,
            dictionary_key=key,
            dictionary_ttl_seconds=_int(env, "DICTIONARY_TTL_SECONDS", 60, 0, 86400),
            metric_namespace=validate_namespace(
                env.get("METRIC_NAMESPACE", "").strip() or DEFAULT_NAMESPACE
            ),
            sns_topic_arn=topic,
            max_notifications=_int(env, "MAX_NOTIFICATIONS_PER_INVOCATION", 20, 1, 1000),
            max_decompressed_bytes=_int(
                env,
                "MAX_DECOMPRESSED_BYTES",
                # Lambda sets the function's memory in AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
                default_max_decompressed_bytes(
                    _int(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 256, 128, 10240)
                ),
                1024 * 1024,
                16 * 1024**3,
            ),
            dedup_table_name=env.get("DEDUP_TABLE_NAME", "").strip(),
            dictionary_min_ratio_percent=_int(env, "DICTIONARY_MIN_RATIO_PERCENT", 20, 0, 100),
            inventory_regions=_regions(env),
            log_level=level,
            inspect_values=_bool(env, "INSPECT_VALUES", False),
            securityhub_findings=_bool(env, "SECURITYHUB_FINDINGS", False),
            event_bus_name=env.get("EVENT_BUS_NAME", "").strip(),
            member_role_name=_role_name(env),
            sweep_queue_url=_queue_url(env),
            sweep_accounts=_accounts(env),
        )
