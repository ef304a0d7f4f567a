"""Reporting each write once across invocations: claims in a small DynamoDB table with TTL."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from .finding import Finding

logger = logging.getLogger(__name__)

EVENT_TTL = 7 * 24 * 3600  # covers S3 redelivery, Lambda retries and redrives
VERSION_TTL = 400 * 24 * 3600  # an unchanged parameter is not re-reported by the daily sweep
PAIR_TTL = 3600  # pairs a Parameter Store Change with the CloudTrail record of the same write
PAIR_WINDOW_MINUTES = 1  # the two events of one write carry times a few seconds apart


# How a claim is written, and what makes it a repeat (see Claim).
ClaimKind = Literal["own", "ct", "change", "record"]


@dataclass(frozen=True)
class Claim:
    """One key a finding is remembered under.

    kind "own": the write's own identity, a repeat if already held. kind "ct"/"change": a
    marker on the item pair:<name>:<minute>, a repeat if the *other* kind marked it (the
    other event of the same write). kind "record": written without a condition.
    """

    key: str
    ttl: int
    kind: ClaimKind = "own"


_OTHER: dict[ClaimKind, ClaimKind] = {"ct": "change", "change": "ct"}


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
    """What identifies the write behind a finding, for each way it can arrive again, in order.

    A CloudTrail record (from a log file or EventBridge) is the same write as another with its
    event ID. A Parameter Store Change has no event ID: it is paired with the CloudTrail record
    of the same write by the parameter's name around the write's minute (two CloudTrail
    writes never pair with each other). A sweep finding is the same as an earlier report of
    that parameter version, which CloudTrail findings record without claiming it (a deleted
    and recreated parameter starts at version 1 again and is still reported when written).
    """
    where = f"{finding.account_id}:{finding.region}:{finding.parameter_name}"
    version = f"version:{where}:{finding.version}" if finding.version is not None else None
    if finding.origin == "inventory":
        return [Claim(version, VERSION_TTL)] if version else []
    change = finding.origin == "parameter-store-change"
    claims: list[Claim] = []
    if finding.event_id:
        claims.append(Claim(f"{'change' if change else 'event'}:{finding.event_id}", EVENT_TTL))
    minute = _minute(finding.event_time)
    if minute is not None:
        claims += [
            Claim(f"pair:{where}:{m}", PAIR_TTL, "change" if change else "ct")
            for m in range(minute - PAIR_WINDOW_MINUTES, minute + PAIR_WINDOW_MINUTES + 1)
        ]
    if version and not change:
        claims.append(Claim(version, VERSION_TTL, "record"))
    return claims


class DedupTable:
    """Conditional writes to the dedup table; a key already claimed means 'reported before'."""

    def __init__(self, dynamodb: Any, table: str, clock: Callable[[], float] = time.time) -> None:
        self._db = dynamodb
        self._table = table
        self._clock = clock

    def _claim(self, claim: Claim) -> bool:
        now = int(self._clock())
        key = {"pk": {"S": claim.key}}
        expires = {"N": str(now + claim.ttl)}
        try:
            if claim.kind == "record":
                self._db.put_item(TableName=self._table, Item={**key, "expires_at": expires})
            elif claim.kind == "own":
                self._db.put_item(
                    TableName=self._table,
                    Item={**key, "expires_at": expires},
                    # TTL deletion is lazy, so an expired claim is treated as absent here.
                    ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                    ExpressionAttributeValues={":now": {"N": str(now)}},
                )
            else:
                self._db.update_item(
                    TableName=self._table,
                    Key=key,
                    UpdateExpression=f"SET {claim.kind} = :yes, expires_at = :expires",
                    ConditionExpression=f"attribute_not_exists({_OTHER[claim.kind]}) "
                    "OR expires_at < :now",
                    ExpressionAttributeValues={
                        ":yes": {"BOOL": True},
                        ":expires": expires,
                        ":now": {"N": str(now)},
                    },
                )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def first_time(self, finding: Finding) -> bool:
        """Claim the finding's keys in order; False at the first one already held (a repeat).

        Stopping there, with every invocation claiming in the same order, means that of two
        concurrent deliveries exactly one wins. If the table cannot be reached the finding
        counts as new: a duplicate notification is better than a lost one.
        """
        for claim in claim_keys(finding):
            try:
                if not self._claim(claim):
                    return False
            except (ClientError, BotoCoreError) as exc:
                logger.error(
                    "deduplication table unavailable; reporting the finding anyway",
                    extra={"event": "dedup_failed", "key": claim.key, "error": str(exc)[:200]},
                )
        return True


def remove_repeats(
    findings: Sequence[Finding], table: DedupTable | None
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (new, repeats): repeats within the list, then in the table."""
    held: dict[str, set[str]] = {}  # key -> kinds that claimed it in this invocation
    new: list[Finding] = []
    repeats: list[Finding] = []
    for finding in findings:
        claims = [c for c in claim_keys(finding) if c.kind != "record"]
        if not claims:
            claims = [Claim(finding.dedup_key, 0)]
        repeat = any(
            (c.kind == "own" and c.key in held) or _OTHER.get(c.kind, "") in held.get(c.key, ())
            for c in claims
        )
        if not repeat:
            for claim in claims:
                held.setdefault(claim.key, set()).add(claim.kind)
        if repeat or (table is not None and not table.first_time(finding)):
            repeats.append(finding)
        else:
            new.append(finding)
    return new, repeats
