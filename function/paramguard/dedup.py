"""Reporting each write once across invocations: claims in a small DynamoDB table with TTL."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .cloudtrail import Finding

logger = logging.getLogger(__name__)

EVENT_TTL = 7 * 24 * 3600  # covers S3 redelivery, Lambda retries and redrives
VERSION_TTL = 400 * 24 * 3600  # an unchanged parameter is not re-reported by the daily sweep
RECENT_TTL = 15 * 60  # pairs a Parameter Store Change with the CloudTrail record of the write


def claim_keys(finding: Finding) -> list[tuple[str, int]]:
    """The keys under which a finding is remembered, each with its lifetime in seconds."""
    where = f"{finding.account_id}:{finding.region}:{finding.parameter_name}"
    keys: list[tuple[str, int]] = []
    if finding.event_id and finding.event_source != "parameter-store-change":
        keys.append((f"event:{finding.event_id}", EVENT_TTL))
    if finding.version is not None:
        keys.append((f"version:{where}:{finding.version}", VERSION_TTL))
    if finding.event_source in {"cloudtrail", "eventbridge", "parameter-store-change"}:
        keys.append((f"recent:{where}", RECENT_TTL))
    return keys


class DedupTable:
    """Conditional writes to the dedup table; a key already claimed means 'reported before'."""

    def __init__(self, dynamodb: Any, table: str, clock: Callable[[], float] = time.time) -> None:
        self._db = dynamodb
        self._table = table
        self._clock = clock

    def _claim(self, key: str, ttl: int) -> bool:
        now = int(self._clock())
        try:
            self._db.put_item(
                TableName=self._table,
                Item={"pk": {"S": key}, "expires_at": {"N": str(now + ttl)}},
                # TTL deletion is lazy, so an expired claim is treated as absent here.
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def first_time(self, finding: Finding) -> bool:
        """Claim every key of the finding; False if any was already claimed (a repeat).

        If the table cannot be reached the finding counts as new: a duplicate
        notification is better than a lost one.
        """
        new = True
        for key, ttl in claim_keys(finding):
            try:
                if not self._claim(key, ttl):
                    new = False
            except (ClientError, BotoCoreError) as exc:
                logger.error(
                    "deduplication table unavailable; reporting the finding anyway",
                    extra={"event": "dedup_failed", "key": key, "error": str(exc)[:200]},
                )
        return new


def remove_repeats(
    findings: Sequence[Finding], table: DedupTable | None
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (new, repeats): repeats within the list, then in the table."""
    seen: set[str] = set()
    new: list[Finding] = []
    repeats: list[Finding] = []
    for finding in findings:
        keys = {key for key, _ in claim_keys(finding)} or {finding.dedup_key}
        if keys & seen:
            repeats.append(finding)
            continue
        seen |= keys
        if table is not None and not table.first_time(finding):
            repeats.append(finding)
            continue
        new.append(finding)
    return new, repeats
