"""Reporting each write once across invocations: claims in a small DynamoDB table with TTL."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .cloudtrail import Finding

logger = logging.getLogger(__name__)

EVENT_TTL = 7 * 24 * 3600  # covers S3 redelivery, Lambda retries and redrives
VERSION_TTL = 400 * 24 * 3600  # an unchanged parameter is not re-reported by the daily sweep
PAIR_TTL = 3600  # pairs a Parameter Store Change with the CloudTrail record of the same write
PAIR_WINDOW_MINUTES = 1  # the two events of one write carry times a few seconds apart


@dataclass(frozen=True)
class Claim:
    """A key the finding is remembered under; a conditional claim already held = a repeat."""

    key: str
    ttl: int
    conditional: bool = True


def _minute(timestamp: str | None) -> int | None:
    if not timestamp:
        return None
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) // 60


def claim_keys(finding: Finding) -> list[Claim]:
    """What identifies the write behind a finding, for each way it can arrive again.

    A CloudTrail record (from a log file or EventBridge) is the same write as another with
    its event ID; a Parameter Store Change has no event ID, so both kinds also claim the
    parameter's name around the write's minute, which pairs the two events of one write
    (two writes of one name within a minute are reported once; the repeat is logged). A
    sweep finding is the same as an earlier report of that parameter version, which
    CloudTrail findings record without claiming (a deleted and recreated parameter starts
    at version 1 again and must still be reported when it is written).
    """
    where = f"{finding.account_id}:{finding.region}:{finding.parameter_name}"
    version = f"version:{where}:{finding.version}" if finding.version is not None else None
    claims: list[Claim] = []
    if finding.event_source == "inventory":
        return [Claim(version, VERSION_TTL)] if version else []
    if finding.event_id:
        kind = "change" if finding.event_source == "parameter-store-change" else "event"
        claims.append(Claim(f"{kind}:{finding.event_id}", EVENT_TTL))
    minute = _minute(finding.event_time)
    if minute is not None:
        claims += [
            Claim(f"pair:{where}:{m}", PAIR_TTL)
            for m in range(minute - PAIR_WINDOW_MINUTES, minute + PAIR_WINDOW_MINUTES + 1)
        ]
    if version:
        claims.append(Claim(version, VERSION_TTL, conditional=False))
    return claims


class DedupTable:
    """Conditional writes to the dedup table; a key already claimed means 'reported before'."""

    def __init__(self, dynamodb: Any, table: str, clock: Callable[[], float] = time.time) -> None:
        self._db = dynamodb
        self._table = table
        self._clock = clock

    def _claim(self, claim: Claim) -> bool:
        now = int(self._clock())
        item = {"pk": {"S": claim.key}, "expires_at": {"N": str(now + claim.ttl)}}
        if not claim.conditional:
            self._db.put_item(TableName=self._table, Item=item)
            return True
        try:
            self._db.put_item(
                TableName=self._table,
                Item=item,
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
        for claim in claim_keys(finding):
            try:
                if not self._claim(claim):
                    new = False
            except (ClientError, BotoCoreError) as exc:
                logger.error(
                    "deduplication table unavailable; reporting the finding anyway",
                    extra={"event": "dedup_failed", "key": claim.key, "error": str(exc)[:200]},
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
        keys = {c.key for c in claim_keys(finding) if c.conditional} or {finding.dedup_key}
        if keys & seen:
            repeats.append(finding)
            continue
        seen |= keys
        if table is not None and not table.first_time(finding):
            repeats.append(finding)
            continue
        new.append(finding)
    return new, repeats
