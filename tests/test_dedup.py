"""Which deliveries are the same write: claims, their order, and the in-invocation check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from paramguard.dedup import DedupTable, claim_keys, remove_repeats
from paramguard.finding import Finding

if TYPE_CHECKING:
    from paramguard.finding import Origin

from support.awsutil import ACCOUNT, REGION


def finding(
    event_id: str | None,
    time: str,
    origin: Origin = "cloudtrail",
    version: int | None = 1,
    name: str = "/prod/db/password",
) -> Finding:
    return Finding(
        parameter_name=name,
        parameter_type="String",
        matched="password",
        matched_line=1,
        event_id=event_id,
        event_time=time,
        account_id=ACCOUNT,
        region=REGION,
        read_from="test",
        origin=origin,
        type_from="request",
        version=version,
    )


def names(found: list[Finding]) -> list[str | None]:
    return [f.event_id for f in found]


@pytest.fixture
def table(aws: None) -> DedupTable:
    client = boto3.client("dynamodb", region_name=REGION)
    client.create_table(
        TableName="dedup",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return DedupTable(client, "dedup")


@pytest.mark.parametrize("with_table", [False, True])
def test_cloudtrail_writes_minutes_apart_are_all_reported(
    request: pytest.FixtureRequest, with_table: bool
) -> None:
    store = request.getfixturevalue("table") if with_table else None
    writes = [
        finding("e1", "2026-11-20T10:00:00Z"),
        finding("e2", "2026-11-20T10:00:40Z", version=2),
        finding("e3", "2026-11-20T10:02:59Z", version=3),
    ]
    new, repeats = remove_repeats(writes, store)
    assert (names(new), names(repeats)) == (["e1", "e2", "e3"], [])


def test_a_change_event_pairs_with_its_cloudtrail_record_only(table: DedupTable) -> None:
    record = finding("e1", "2026-11-20T10:00:59Z")
    same_write = finding("c1", "2026-11-20T10:01:00Z", origin="parameter-store-change")
    later_write = finding("c2", "2026-11-20T10:04:00Z", origin="parameter-store-change")
    assert remove_repeats([record], table)[0] == [record]
    assert remove_repeats([same_write], table) == ([], [same_write])
    assert remove_repeats([later_write], table)[0] == [later_write]


def test_the_sweep_skips_what_cloudtrail_reported_at_that_version(table: DedupTable) -> None:
    record = finding("e1", "2026-11-20T10:00:00Z", version=4)
    swept = finding(None, "2026-11-21T06:00:00Z", origin="inventory", version=4)
    newer = finding(None, "2026-11-22T06:00:00Z", origin="inventory", version=5)
    remove_repeats([record], table)
    assert remove_repeats([swept, newer], table) == ([newer], [swept])


def test_a_recreated_parameter_is_reported_again(table: DedupTable) -> None:
    first = finding("e1", "2026-11-20T10:00:00Z", version=1)
    recreated = finding("e9", "2026-11-21T10:00:00Z", version=1)
    remove_repeats([first], table)
    assert remove_repeats([recreated], table)[0] == [recreated]


class RecordingTable:
    """A stand-in DynamoDB client that says 'already there' for chosen keys."""

    def __init__(self, held: set[str]) -> None:
        self.held = held
        self.writes: list[str] = []

    def put_item(self, **kwargs: Any) -> None:
        self._write(kwargs["Item"]["pk"]["S"], "ConditionExpression" in kwargs)

    def update_item(self, **kwargs: Any) -> None:
        self._write(kwargs["Key"]["pk"]["S"], True)

    def _write(self, key: str, conditional: bool) -> None:
        from botocore.exceptions import ClientError

        if conditional and key in self.held:
            raise ClientError(
                {"Error": {"Code": "ConditionalCheckFailedException", "Message": "held"}},
                "PutItem",
            )
        self.writes.append(key)


def test_a_losing_delivery_stops_at_its_first_held_claim() -> None:
    # Two concurrent deliveries of one write: the loser must not go on to take the
    # winner's later keys, or both would call the write a repeat.
    record = finding("e1", "2026-11-20T10:00:00Z")
    own = claim_keys(record)[0].key
    client = RecordingTable(held={own})
    assert DedupTable(client, "dedup").first_time(record) is False
    assert client.writes == []
