"""Lambda entry point: recognise the event, scan, report. The work is in pure modules."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from . import logs
from .cloudtrail import Finding
from .config import Config
from .detector import (
    TransientError,
    log_findings,
    notify,
    process_object,
    publish_metrics,
    resolve_candidates,
)
from .dictionary_store import DictionaryCache
from .events import Work, recognise
from .report import Counters

logger = logging.getLogger(__name__)

# Standard retry mode backs off on throttling and 5xx before an error reaches the code.
_BOTO_CONFIG = BotoConfig(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5)


@dataclass
class Runtime:
    """Configuration and clients, created once per execution environment."""

    config: Config
    s3: Any
    sns: Any
    cloudwatch: Any
    dictionary: DictionaryCache
    _ssm: dict[str, Any] = field(default_factory=dict)

    def ssm(self, region: str) -> Any:
        """An SSM client for the region a parameter lives in."""
        if region not in self._ssm:
            self._ssm[region] = boto3.client("ssm", region_name=region, config=_BOTO_CONFIG)
        return self._ssm[region]

    @classmethod
    def create(cls) -> Runtime:
        """Parse the environment and create the clients (fails fast on bad configuration)."""
        config = Config.from_env()
        logs.configure(config.log_level)
        s3 = boto3.client("s3", config=_BOTO_CONFIG)
        return cls(
            config=config,
            s3=s3,
            sns=boto3.client("sns", config=_BOTO_CONFIG),
            cloudwatch=boto3.client("cloudwatch", config=_BOTO_CONFIG),
            dictionary=DictionaryCache(
                s3,
                config.dictionary_bucket,
                config.dictionary_key,
                config.dictionary_ttl_seconds,
                config.dictionary_min_ratio_percent,
            ),
        )


_runtime: Runtime | None = None


def runtime() -> Runtime:
    """The execution environment's runtime, created on first use."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime.create()
    return _runtime


def reset() -> None:
    """Drop the cached configuration, clients and dictionary (tests; a changed environment)."""
    global _runtime
    _runtime = None


def _own_account(context: Any) -> str | None:
    arn = getattr(context, "invoked_function_arn", None)
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[4] if len(parts) > 4 and parts[4].isdigit() else None


def _unique(findings: list[Finding], counters: Counters) -> list[Finding]:
    """Drop repeats of one write within an invocation (the same log delivered twice)."""
    seen: set[str] = set()
    unique = []
    for finding in findings:
        if finding.dedup_key in seen:
            counters.duplicates_suppressed += 1
            continue
        seen.add(finding.dedup_key)
        unique.append(finding)
    return unique


def handle(rt: Runtime, work: Work, context: Any) -> dict[str, Any]:
    """Scan what the event names, then log, notify and publish metrics once."""
    counters = Counters()
    for reason in work.ignored:
        logger.info("event entry ignored", extra={"event": "ignored", "reason": reason})
    dictionary = rt.dictionary.get() if work.objects else rt.dictionary.current.dictionary
    counters.dictionary_load_failures = rt.dictionary.take_failures()
    results = [
        process_object(rt.s3, ref, dictionary, counters, rt.config.max_decompressed_bytes)
        for ref in work.objects
    ]
    candidates = [c for result in results for c in result.candidates]
    findings = _unique(resolve_candidates(candidates, rt.ssm, _own_account(context)), counters)
    counters.anomalies = len(findings)
    log_findings(findings)
    sent, failed = notify(rt.sns, rt.config.sns_topic_arn, findings, rt.config.max_notifications)
    counters.notification_failures = failed
    publish_metrics(rt.cloudwatch, rt.config.metric_namespace, counters)
    retry = [result for result in results if result.status == "transient"]
    summary = {
        "kind": work.kind,
        "objects": len(work.objects),
        "scanned": counters.log_files,
        "skipped": counters.skipped_objects,
        "failed": counters.log_file_failures,
        "retry": len(retry),
        "findings": len(findings),
        "notifications_sent": sent,
        "notifications_failed": failed,
        "dictionary": rt.dictionary.current.origin,
    }
    logger.info("invocation done", extra={"event": "invocation_done", **summary})
    if retry:
        # Raising makes Lambda retry the event (and, after the retries, send it to the
        # failure destination), so a throttled read is never silently lost.
        raise TransientError(
            "transient errors reading "
            + ", ".join(f"{r.ref.uri} ({r.reason})" for r in retry)
            + "; the event will be retried"
        )
    return summary


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Entry point named in the function's configuration."""
    rt = runtime()
    work = recognise(event)
    return handle(rt, work, context)
