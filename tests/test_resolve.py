"""Fixed parameters: findings archived and resolved in Security Hub, fixes on the bus.

moto stores BatchImportFindings as sent, ignores GetFindings filters and has no
BatchUpdateFindings: the filters, the archive document and the workflow update are checked
field by field against the AWS documentation here (BatchImportFindings for finding
providers; BatchUpdateFindings; Workflow), with a recording client where moto stops.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from paramguard import handler
from paramguard.config import Config
from paramguard.eventbus import RESOLUTION_DETAIL_TYPE, SOURCE, build_resolution_entry
from paramguard.export import export_findings
from paramguard.finding import Remediation
from paramguard.fixes import _order, mark_resolved, moment, plan_fixes
from paramguard.report import build_notification
from paramguard.securityhub import (
    archived_document,
    build_asff,
    finding_id,
    import_findings,
    product_arn,
    remediation_note,
    resolve_findings,
)

from support.awsutil import ACCOUNT, REGION, LambdaContext, drain_messages
from support.builders import (
    SECRET_VALUE,
    delete_parameter,
    gz_log,
    load_event,
    log_key,
    put_parameter,
    s3_event,
)
from support.emf import metric_sum

from .conftest import Stack
from .test_export import NOW, REQUIRED, _bus_to_queue, _received, finding

PRODUCT = product_arn(REGION, ACCOUNT)
IDENT = finding_id(ACCOUNT, REGION, "/prod/db/password")


def fix(
    name: str = "/prod/db/password", when: str | None = "2026-11-20T11:15:30Z", **fields: Any
) -> Remediation:
    values: dict[str, Any] = {
        "parameter_name": name,
        "how": "deleted",
        "operation": "DeleteParameter",
        "read_from": "s3://trail/AWSLogs/y.json.gz",
        "origin": "cloudtrail",
        "event_id": "del-1",
        "event_time": when,
        "account_id": ACCOUNT,
        "region": REGION,
        "actor": "arn:aws:iam::123456789012:user/bob",
    }
    values.update(fields)
    return Remediation(**values)


# ---- Pairing fixes with the findings of the same scan ----


def test_a_later_fix_resolves_every_finding_of_its_parameter_in_the_scan() -> None:
    first, second = finding(event_time="2026-11-20T10:00:00Z"), finding(event_id="evt-2")
    later = fix()
    plan = plan_fixes([first, second, finding("/prod/api/token")], [later], REGION, ACCOUNT)
    assert plan.fixed == {id(first): later, id(second): later}
    assert plan.earlier == plan.superseded == []


@pytest.mark.parametrize(
    "when",
    [
        "2026-11-20T09:00:00Z",  # before the write: the write exposes it again
        "2026-11-20T10:15:30Z",  # the same second: cannot be ordered after it
        None,
        "yesterday",
    ],
)
def test_a_fix_not_after_the_write_resolves_nothing(when: str | None) -> None:
    plan = plan_fixes([finding()], [fix(when=when)], REGION, ACCOUNT)
    assert plan.fixed == {} and len(plan.superseded) == 1 and plan.earlier == []


def test_a_fix_between_two_writes_leaves_the_later_exposure_open() -> None:
    early, late = (
        finding(event_time="2026-11-20T09:00:00Z"),
        finding(event_time="2026-11-20T12:00:00Z"),
    )
    plan = plan_fixes([early, late], [fix()], REGION, ACCOUNT)
    assert plan.fixed == {} and len(plan.superseded) == 1


def test_fixes_of_other_parameters_accounts_or_regions_look_for_earlier_findings() -> None:
    fixes = [fix("/prod/api/token"), fix(account_id="210987654321"), fix(region="ap-south-1")]
    plan = plan_fixes([finding()], fixes, REGION, ACCOUNT)
    assert plan.fixed == {} and plan.earlier == fixes


# ---- The Security Hub documents ----


def test_a_finding_fixed_in_the_same_scan_is_imported_archived_and_resolved() -> None:
    doc = build_asff(finding(), REGION, ACCOUNT, NOW, fix())
    assert REQUIRED <= doc.keys()
    assert doc["RecordState"] == "ARCHIVED"
    assert doc["Workflow"] == {"Status": "RESOLVED"}  # honoured when the import creates it
    fields = doc["ProductFields"]
    assert fields["paramguard/remediation"] == "deleted"
    assert fields["paramguard/remediated_by"] == "arn:aws:iam::123456789012:user/bob"
    assert fields["paramguard/remediated_at"] == "2026-11-20T11:15:30Z"
    assert fields["paramguard/remediation_event_id"] == "del-1"
    assert fields["paramguard/remediation_operation"] == "DeleteParameter"
    assert fields["paramguard/event_id"] == "evt-1"  # the exposure is still described
    assert doc["Id"] == IDENT and doc["CreatedAt"] == "2026-11-20T10:15:30.000Z"


def stored_finding(**changes: Any) -> dict[str, Any]:
    """A finding as GetFindings returns it: ours plus the fields Security Hub adds."""
    doc = build_asff(finding(), REGION, ACCOUNT, NOW)
    doc["ProductFields"] |= {
        "aws/securityhub/FindingId": "arn:...",
        "aws/securityhub/ProductName": "Default",
    }
    doc |= {
        "ProductName": "Default",
        "CompanyName": "Personal",
        "Region": REGION,
        "WorkflowState": "NEW",
        "ProcessedAt": "2026-11-30T03:00:01.000Z",
        "FirstObservedAt": "2026-11-20T10:15:30.000Z",
    }
    doc.update(changes)
    return doc


def test_the_archive_of_a_stored_finding_sends_back_only_what_paramguard_owns() -> None:
    later = datetime(2026, 12, 1, tzinfo=UTC)
    doc = archived_document(stored_finding(), fix(), later)
    assert REQUIRED <= doc.keys()
    assert doc["RecordState"] == "ARCHIVED" and doc["UpdatedAt"] == "2026-12-01T00:00:00.000Z"
    assert "Workflow" not in doc  # BatchImportFindings cannot change it after creation
    assert not {"ProductName", "CompanyName", "ProcessedAt", "WorkflowState", "Region"} & doc.keys()
    assert all(k.startswith("paramguard/") for k in doc["ProductFields"])
    assert doc["ProductFields"]["paramguard/remediation"] == "deleted"
    assert doc["CreatedAt"] == "2026-11-20T10:15:30.000Z"  # when the exposure happened
    # A stored UpdatedAt ahead of this clock: the archive is still later.
    ahead = stored_finding(UpdatedAt="2027-01-01T00:00:00.000Z")
    assert archived_document(ahead, fix(), later)["UpdatedAt"] == "2027-01-01T00:00:00.001Z"


def test_the_note_says_who_fixed_it_how_when_and_which_event() -> None:
    note = remediation_note(fix())
    assert note.startswith("Resolved by paramguard") and "deleted" in note and "user/bob" in note
    assert "2026-11-20T11:15:30Z" in note and "del-1" in note and "rotate" in note
    # An overwrite is not a fix: the String versions stay readable in the history.
    kept = remediation_note(fix(how="secured", operation="PutParameter", event_id="put-2"))
    assert kept.startswith("Not resolved") and "overwritten as SecureString" in kept
    assert "user/bob" in kept and "put-2" in kept and "plain text" in kept
    assert "delete and re-create" in kept
    unknown = remediation_note(fix(actor=None, name="/p/" + "x" * 900))
    assert len(unknown) <= 512 and "does not say who" in unknown


class Hub:
    """Security Hub as documented, recording calls: what GetFindings holds is `stored`."""

    def __init__(self, *stored: dict[str, Any], fail: str | None = None) -> None:
        self.stored = list(stored)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail

    def _record(self, name: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((name, kwargs))
        if self.fail == name:
            raise RuntimeError("boom")

    def get_findings(self, **kwargs: Any) -> dict[str, Any]:
        self._record("get_findings", kwargs)
        ids = {f["Value"] for f in kwargs["Filters"]["Id"]}
        states = {f["Value"] for f in kwargs["Filters"].get("RecordState", [])}
        return {
            "Findings": [
                s
                for s in self.stored
                if s["Id"] in ids and (not states or s["RecordState"] in states)
            ]
        }

    def batch_import_findings(self, **kwargs: Any) -> dict[str, Any]:
        self._record("batch_import_findings", kwargs)
        return {"FailedCount": 0, "SuccessCount": len(kwargs["Findings"]), "FailedFindings": []}

    def batch_update_findings(self, **kwargs: Any) -> dict[str, Any]:
        self._record("batch_update_findings", kwargs)
        if self.fail == "unprocessed":
            missed = [
                {"FindingIdentifier": i, "ErrorCode": "ConcurrentUpdateError", "ErrorMessage": "x"}
                for i in kwargs["FindingIdentifiers"]
            ]
            return {"ProcessedFindings": [], "UnprocessedFindings": missed}
        return {"ProcessedFindings": kwargs["FindingIdentifiers"], "UnprocessedFindings": []}

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def test_a_fix_archives_and_resolves_the_active_finding_field_by_field() -> None:
    hub = Hub(stored_finding())
    result = resolve_findings(hub, [fix()], REGION, ACCOUNT, NOW)

    assert (result.archived, result.failed, result.no_finding, result.superseded) == (1, 0, 0, 0)
    assert hub.names() == ["get_findings", "batch_import_findings", "batch_update_findings"]
    lookup = hub.calls[0][1]
    assert lookup["Filters"] == {
        "Id": [{"Value": IDENT, "Comparison": "EQUALS"}],
        "ProductArn": [{"Value": PRODUCT, "Comparison": "EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
    }
    [archived] = hub.calls[1][1]["Findings"]
    assert archived["Id"] == IDENT and archived["RecordState"] == "ARCHIVED"
    update = hub.calls[2][1]
    assert update["FindingIdentifiers"] == [{"Id": IDENT, "ProductArn": PRODUCT}]
    assert update["Workflow"] == {"Status": "RESOLVED"}
    assert update["Note"] == {"Text": remediation_note(fix()), "UpdatedBy": "paramguard"}
    assert SECRET_VALUE not in json.dumps(hub.calls)


def test_a_fix_with_no_active_finding_creates_nothing() -> None:
    archived = stored_finding(RecordState="ARCHIVED")
    hub = Hub(archived)
    result = resolve_findings(hub, [fix(), fix("/prod/api/token")], REGION, ACCOUNT, NOW)
    assert (result.archived, result.no_finding) == (0, 2)
    assert hub.names() == ["get_findings"]


def test_a_fix_older_than_the_stored_exposure_leaves_it_active() -> None:
    hub = Hub(stored_finding())
    result = resolve_findings(hub, [fix(when="2026-11-20T10:00:00Z")], REGION, ACCOUNT, NOW)
    assert (result.archived, result.superseded) == (0, 1)
    assert hub.names() == ["get_findings"]


def test_a_suppressed_finding_is_archived_but_its_workflow_is_left_to_people() -> None:
    hub = Hub(stored_finding(Workflow={"Status": "SUPPRESSED"}))
    assert resolve_findings(hub, [fix()], REGION, ACCOUNT, NOW).archived == 1
    assert hub.names() == ["get_findings", "batch_import_findings"]


def test_many_fixes_are_looked_up_twenty_ids_at_a_time_and_the_latest_fix_wins() -> None:
    fixes = [fix(f"/prod/{i}/password") for i in range(45)]
    fixes += [fix(when="2026-11-20T12:00:00Z", event_id="del-late"), fix(event_id="del-early")]
    hub = Hub(stored_finding())
    resolve_findings(hub, fixes, REGION, ACCOUNT, NOW)
    sizes = [len(kw["Filters"]["Id"]) for name, kw in hub.calls if name == "get_findings"]
    assert sizes == [20, 20, 6]
    update = hub.calls[-1][1]
    assert "del-late" in update["Note"]["Text"]


@pytest.mark.parametrize(
    "fail", ["get_findings", "batch_import_findings", "batch_update_findings", "unprocessed"]
)
def test_every_failed_step_is_counted(fail: str, caplog: pytest.LogCaptureFixture) -> None:
    hub = Hub(stored_finding(), fail=fail)
    result = resolve_findings(hub, [fix()], REGION, ACCOUNT, NOW)
    assert result.failed == 1
    assert any(getattr(r, "event", "") == "securityhub_resolve_failed" for r in caplog.records)


def test_another_accounts_fix_is_not_looked_up_here() -> None:
    hub = Hub()
    assert (
        resolve_findings(hub, [fix(account_id="210987654321")], REGION, ACCOUNT, NOW).archived == 0
    )
    assert hub.calls == []


class MotoHub:
    """moto for what it implements; BatchUpdateFindings (absent in moto) recorded."""

    def __init__(self) -> None:
        self.hub = boto3.client("securityhub", region_name=REGION)
        self.updates: list[dict[str, Any]] = []

    def get_findings(self, **kwargs: Any) -> Any:
        return self.hub.get_findings(**kwargs)

    def batch_import_findings(self, **kwargs: Any) -> Any:
        return self.hub.batch_import_findings(**kwargs)

    def batch_update_findings(self, **kwargs: Any) -> Any:
        self.updates.append(kwargs)
        return {"ProcessedFindings": kwargs["FindingIdentifiers"], "UnprocessedFindings": []}


@pytest.mark.usefixtures("aws")
def test_on_moto_a_later_invocations_fix_archives_the_stored_finding() -> None:
    hub = MotoHub()
    assert (
        import_findings(
            hub.hub, [finding(), finding("/prod/api/token")], REGION, ACCOUNT, NOW
        ).imported
        == 2
    )

    result = resolve_findings(hub, [fix()], REGION, ACCOUNT, NOW)

    assert result.archived == 1
    stored = {f["Id"]: f for f in hub.hub.get_findings()["Findings"]}
    assert stored[IDENT]["RecordState"] == "ARCHIVED"
    assert stored[IDENT]["ProductFields"]["paramguard/remediation_event_id"] == "del-1"
    assert stored[finding_id(ACCOUNT, REGION, "/prod/api/token")]["RecordState"] == "ACTIVE"
    assert [u["Workflow"] for u in hub.updates] == [{"Status": "RESOLVED"}]
    # Once archived, a second fix finds no active finding and changes nothing.
    again = resolve_findings(hub, [fix(when="2026-11-21T00:00:00Z")], REGION, ACCOUNT, NOW)
    assert (again.archived, again.no_finding) == (0, 1)


# ---- On the bus ----


def test_the_resolution_event_field_by_field() -> None:
    entry = build_resolution_entry(fix(), "default", "arn:param", IDENT, True)
    assert entry["Source"] == SOURCE and entry["DetailType"] == RESOLUTION_DETAIL_TYPE
    assert entry["Resources"] == ["arn:param"] and entry["EventBusName"] == "default"
    detail = json.loads(entry["Detail"])
    assert detail == {
        "parameter_name": "/prod/db/password",
        "how": "deleted",
        "operation": "DeleteParameter",
        "source": "s3://trail/AWSLogs/y.json.gz",
        "event_source": "cloudtrail",
        "event_id": "del-1",
        "event_time": "2026-11-20T11:15:30Z",
        "account_id": ACCOUNT,
        "region": REGION,
        "actor": "arn:aws:iam::123456789012:user/bob",
        "actor_type": None,
        "source_ip": None,
        "name_matched": True,
        "finding_id": IDENT,
        "finding_in_batch": True,
    }


def config(**changes: Any) -> Config:
    env = {"SNS_TOPIC_ARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:t", "DICTIONARY_BUCKET": "b"}
    return Config.from_env(env | changes)


@pytest.mark.usefixtures("aws")
def test_export_announces_only_fixes_known_to_resolve_a_finding_and_counts_refusals() -> None:
    sqs, url = _bus_to_queue()
    events = boto3.client("events", region_name=REGION)
    earlier = stored_finding()
    earlier["Id"] = finding_id(ACCOUNT, REGION, "/prod/api/token")
    hub = Hub(earlier)
    clients = {"events": events, "securityhub": hub}
    never_found = fix("/prod/ssh/private_key", how="secured", event_id="put-3")
    ssm = boto3.client("ssm", region_name=REGION)  # none of them exists now
    summary, failures = export_findings(
        config(SECURITYHUB_FINDINGS="true", EVENT_BUS_NAME="default"),
        clients.__getitem__,
        [finding()],
        REGION,
        ACCOUNT,
        [fix(), fix("/prod/api/token", event_id="del-2"), never_found],
        lambda region: ssm,
    )
    assert failures == 0
    assert summary["remediation_events_sent"] == 2 and summary["events_sent"] == 1
    assert summary["securityhub_resolved"] == 1
    received = _received(sqs, url)
    kinds = sorted(
        (e["detail-type"], e["detail"]["parameter_name"], e["detail"].get("finding_in_batch"))
        for e in received
    )
    assert kinds == [
        ("Plaintext Parameter Remediated", "/prod/api/token", False),  # archived in Security Hub
        ("Plaintext Parameter Remediated", "/prod/db/password", True),  # this batch's finding
        ("Plaintext Secret Parameter Finding", "/prod/db/password", None),
    ]
    imported = [kw for name, kw in hub.calls if name == "batch_import_findings"]
    assert imported[0]["Findings"][0]["RecordState"] == "ARCHIVED"
    assert SECRET_VALUE not in json.dumps(received)


def test_without_security_hub_only_fixes_of_this_batchs_findings_go_on_the_bus() -> None:
    class Bus:
        entries: list[dict[str, Any]] = []

        def put_events(self, **kwargs: Any) -> Any:
            self.entries += kwargs["Entries"]
            return {"Entries": [{"EventId": "1"} for _ in kwargs["Entries"]]}

    bus = Bus()
    summary, failures = export_findings(
        config(EVENT_BUS_NAME="default"),
        {"events": bus}.__getitem__,
        [finding()],
        REGION,
        ACCOUNT,
        [fix(), fix("/prod/api/token", how="secured")],  # the second: a correct write, or a fix?
    )
    assert failures == 0 and summary["remediation_events_sent"] == 1
    [announced] = [e for e in bus.entries if e["DetailType"] == RESOLUTION_DETAIL_TYPE]
    assert json.loads(announced["Detail"])["parameter_name"] == "/prod/db/password"

    class Refusing:
        def put_events(self, **kwargs: Any) -> Any:
            return {"Entries": [{"ErrorCode": "InternalFailure"} for _ in kwargs["Entries"]]}

    summary, failures = export_findings(
        config(EVENT_BUS_NAME="default"),
        {"events": Refusing()}.__getitem__,
        [finding()],
        REGION,
        ACCOUNT,
        [fix()],
    )
    assert failures == 2 and summary["remediation_events_failed"] == 1


def test_handler_archives_a_finding_fixed_later_in_the_same_log_file(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECURITYHUB_FINDINGS", "true")
    monkeypatch.setenv("EVENT_BUS_NAME", "default")
    handler.reset()
    sqs, url = _bus_to_queue()
    hub = MotoHub()
    handler.runtime()._clients["securityhub"] = hub
    key = log_key()
    records = [
        put_parameter("/prod/db/password", "String", event_id="evt-9"),
        delete_parameter("/prod/db/password", event_id="del-9"),
        delete_parameter("/app/log_level"),  # not flagged: not a fix of anything
    ]
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 1  # the exposure happened: still reported
    [message] = drain_messages(stack.sqs, stack.queue_url)
    assert "Fixed later:    deleted by arn:aws:iam::123456789012:user/bob" in message["Message"]
    [stored] = hub.hub.get_findings()["Findings"]
    assert stored["RecordState"] == "ARCHIVED" and stored["Workflow"] == {"Status": "RESOLVED"}
    assert stored["ProductFields"]["paramguard/remediation_event_id"] == "del-9"
    events = _received(sqs, url)
    assert sorted(e["detail-type"] for e in events) == [
        "Plaintext Parameter Remediated",
        "Plaintext Secret Parameter Finding",
    ]
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "FindingExportFailures") == 0

    # A later log file deletes it again: nothing active is left, nothing is created.
    later = log_key()
    stack.s3.put_object(
        Bucket=stack.log_bucket, Key=later, Body=gz_log([delete_parameter("/prod/ssh/private_key")])
    )
    handler.lambda_handler(s3_event(stack.log_bucket, [later]), context)
    assert len(hub.hub.get_findings()["Findings"]) == 1


@pytest.mark.parametrize(
    ("sample", "operation", "declared", "how"),
    [
        ("eventbridge_ssm_parameter_store_change_delete.json", "Delete", "String", "deleted"),
        ("eventbridge_ssm_parameter_store_change_update.json", "Update", "SecureString", "secured"),
    ],
)
def test_a_parameter_store_change_delete_archives_the_earlier_finding_an_overwrite_does_not(
    stack: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    sample: str,
    operation: str,
    declared: str,
    how: str,
) -> None:
    monkeypatch.setenv("SECURITYHUB_FINDINGS", "true")
    monkeypatch.setenv("EVENT_BUS_NAME", "default")
    handler.reset()
    sqs, url = _bus_to_queue()
    hub = MotoHub()
    handler.runtime()._clients["securityhub"] = hub
    exposed = finding(event_time="2017-05-22T16:00:00Z")  # the samples' fix is at 16:45:48
    import_findings(hub.hub, [exposed], REGION, ACCOUNT, NOW)
    event = load_event(sample)
    event["detail"].update(name="/prod/db/password", operation=operation, type=declared)
    event["account"], event["region"] = ACCOUNT, REGION

    result = handler.lambda_handler(event, context)

    assert result["findings"] == 0
    [stored] = hub.hub.get_findings()["Findings"]
    [update] = hub.updates
    if how == "secured":
        # The String versions stay in the history: still open, only the note says why.
        assert stored["RecordState"] == "ACTIVE" and "Workflow" not in update
        assert update["Note"]["Text"].startswith("Not resolved")
        assert result.get("remediation_events_sent", 0) == 0 and _received(sqs, url) == []
        return
    assert result["remediation_events_sent"] == 1
    assert stored["RecordState"] == "ARCHIVED"
    assert stored["ProductFields"]["paramguard/remediation"] == how
    [sent] = _received(sqs, url)
    assert sent["detail-type"] == RESOLUTION_DETAIL_TYPE
    assert sent["detail"]["how"] == how and sent["detail"]["operation"] == operation
    assert sent["detail"]["event_source"] == "parameter-store-change"
    assert sent["detail"]["finding_in_batch"] is False
    assert update["Workflow"] == {"Status": "RESOLVED"}


def test_a_cloudtrail_delete_via_eventbridge_resolves_only_what_was_found(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECURITYHUB_FINDINGS", "true")
    monkeypatch.setenv("EVENT_BUS_NAME", "default")
    handler.reset()
    sqs, url = _bus_to_queue()
    hub = MotoHub()
    handler.runtime()._clients["securityhub"] = hub
    import_findings(hub.hub, [finding()], REGION, ACCOUNT, NOW)
    event = load_event("eventbridge_ssm_parameter_store_change_create.json")
    event["detail-type"] = "AWS API Call via CloudTrail"
    event["detail"] = delete_parameter("/prod/db/password", "/prod/api/token", batch=True)
    event["account"], event["region"] = ACCOUNT, REGION

    result = handler.lambda_handler(event, context)

    assert result["findings"] == 0 and result["securityhub_resolved"] == 1
    [sent] = _received(sqs, url)  # /prod/api/token had no finding: not announced
    assert sent["detail"]["parameter_name"] == "/prod/db/password"
    assert sent["detail"]["operation"] == "DeleteParameters"
    assert len(hub.hub.get_findings()["Findings"]) == 1  # nothing created for the other


# ---- A delete resolves only what is gone; an overwrite resolves nothing (review D1, D2, D6) ----


def _export(
    hub: Any, findings: list[Any], fixes: list[Remediation], ssm: Any = None
) -> tuple[dict[str, int], int]:
    return export_findings(
        config(SECURITYHUB_FINDINGS="true"),
        {"securityhub": hub}.__getitem__,
        findings,
        REGION,
        ACCOUNT,
        fixes,
        (lambda region: ssm) if ssm is not None else None,
    )


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("now", ["String", "StringList", "SecureString", None])
def test_a_delete_resolves_only_if_the_parameter_is_not_plaintext_now(
    now: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    # A write processed late can leave the stored exposure older than the live write: the
    # parameter's state now, not the stored time, decides.
    ssm = boto3.client("ssm", region_name=REGION)
    if now is not None:
        ssm.put_parameter(Name="/prod/db/password", Value="not-the-secret", Type=now)  # type: ignore[arg-type]
    hub = Hub(stored_finding())
    summary, failures = _export(hub, [], [fix()], ssm)
    assert failures == 0
    if now in ("String", "StringList"):
        assert hub.names() == []  # not even looked up: nothing archived
        assert any(
            getattr(r, "event", "") == "remediation" and now in getattr(r, "verdict", "")
            for r in caplog.records
        )
    else:
        assert summary["securityhub_resolved"] == 1
        assert hub.names() == ["get_findings", "batch_import_findings", "batch_update_findings"]


@pytest.mark.usefixtures("aws")
def test_a_delete_in_the_same_batch_leaves_the_finding_open_if_plaintext_is_back() -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name="/prod/db/password", Value="not-the-secret", Type="String")
    hub = Hub()
    _, failures = _export(hub, [finding()], [fix()], ssm)
    assert failures == 0
    [imported] = [kw for name, kw in hub.calls if name == "batch_import_findings"]
    assert imported["Findings"][0]["RecordState"] == "ACTIVE"
    assert "batch_update_findings" not in hub.names()


class FailingSSM:
    def describe_parameters(self, **kwargs: Any) -> Any:
        raise RuntimeError("throttled")


@pytest.mark.parametrize("ssm", [FailingSSM(), None])
def test_a_delete_whose_check_fails_resolves_nothing_and_is_counted(
    ssm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    hub = Hub(stored_finding())
    summary, failures = _export(hub, [], [fix()], ssm)
    assert failures == 1 and summary["securityhub_resolve_failed"] == 1
    assert "batch_import_findings" not in hub.names()
    assert any(getattr(r, "event", "") == "securityhub_resolve_failed" for r in caplog.records)


def test_an_overwrite_as_securestring_keeps_the_finding_open_and_sets_its_note() -> None:
    hub = Hub(stored_finding())
    secured = fix(how="secured", operation="PutParameter", event_id="put-2")
    result = resolve_findings(hub, [secured], REGION, ACCOUNT, NOW)
    assert (result.archived, result.noted, result.fixed, result.failed) == (0, 1, (), 0)
    assert hub.names() == ["get_findings", "batch_update_findings"]
    update = hub.calls[1][1]
    assert "Workflow" not in update
    assert update["Note"]["Text"] == remediation_note(secured)
    assert "still hold the value in plain text" in update["Note"]["Text"]
    # A delete of the same parameter beats the overwrite, whichever came last.
    hub = Hub(stored_finding())
    later = fix(how="secured", operation="PutParameter", when="2026-11-20T12:00:00Z")
    assert resolve_findings(hub, [later, fix()], REGION, ACCOUNT, NOW).archived == 1


def test_an_overwrite_in_the_same_batch_is_imported_active_with_its_note() -> None:
    class Bus:
        entries: list[dict[str, Any]] = []

        def put_events(self, **kwargs: Any) -> Any:
            self.entries += kwargs["Entries"]
            return {"Entries": [{"EventId": "1"} for _ in kwargs["Entries"]]}

    hub, bus = Hub(), Bus()
    secured = fix(how="secured", operation="PutParameter")
    summary, failures = export_findings(
        config(SECURITYHUB_FINDINGS="true", EVENT_BUS_NAME="default"),
        {"securityhub": hub, "events": bus}.__getitem__,
        [finding()],
        REGION,
        ACCOUNT,
        [secured],
    )
    assert failures == 0
    [imported] = [kw for name, kw in hub.calls if name == "batch_import_findings"]
    assert imported["Findings"][0]["RecordState"] == "ACTIVE"
    [update] = [kw for name, kw in hub.calls if name == "batch_update_findings"]
    assert "Workflow" not in update and update["Note"]["Text"].startswith("Not resolved")
    assert [e["DetailType"] for e in bus.entries] == ["Plaintext Secret Parameter Finding"]


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("status", ["SUPPRESSED", "RESOLVED"])
def test_a_fix_in_the_same_batch_leaves_an_analysts_workflow_alone(status: str) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    hub = Hub(stored_finding(Workflow={"Status": status}))
    _, failures = _export(hub, [finding(event_time="2026-11-20T10:30:00Z")], [fix()], ssm)
    assert failures == 0
    [imported] = [kw for name, kw in hub.calls if name == "batch_import_findings"]
    assert imported["Findings"][0]["RecordState"] == "ARCHIVED"
    assert "batch_update_findings" not in hub.names()
    # An open workflow is resolved as before.
    hub = Hub(stored_finding())
    _export(hub, [finding(event_time="2026-11-20T10:30:00Z")], [fix()], ssm)
    [update] = [kw for name, kw in hub.calls if name == "batch_update_findings"]
    assert update["Workflow"] == {"Status": "RESOLVED"}


def test_the_notification_says_an_overwrite_left_the_plaintext_in_the_history() -> None:
    exposed, kept = finding(), finding("/prod/api/token")
    mark_resolved(
        [exposed, kept],
        [fix(), fix("/prod/api/token", how="secured", operation="PutParameter")],
        REGION,
        ACCOUNT,
    )
    fixed = build_notification(exposed).message
    assert "Fixed later:    deleted by arn:aws:iam::123456789012:user/bob" in fixed
    text = build_notification(kept).message
    assert "Fixed later" not in text
    assert "Not fixed:      overwritten as SecureString later by" in text
    assert "earlier versions still hold the value in plain text" in text


EVENT_TIMES = [
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",  # not a date: unknown, as moment says
    "1900-02-29T10:00:00Z",
    "2000-02-29T23:59:59Z",
    "2024-13-01T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:60Z",
    "0000-01-01T00:00:00Z",
    "2024-01-01T00:00:00+02:00",
    "2024-01-01T00:00:00.5Z",
    "2023-12-31T22:00:00Z",
    "2024-01-01 00:00:00",
    "2024-01-01T00:00:00z",
    "\u0662\u0660\u0662\u0666-11-20T10:15:30Z",  # Arabic-Indic digits: not a time (found in review)
    "2026-11-20T10:15:3\u0660Z",
    "\uff12\uff10\uff12\uff16-11-20T10:15:30Z",
    "x",
    "",
    None,
]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(EVENT_TIMES),
            st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
            st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ),
        min_size=2,
        max_size=2,
    )
)
def test_event_times_are_ordered_as_moment_orders_them(times: list[str | None]) -> None:
    # plan_fixes compares CloudTrail's own form as text (no datetime import on a scan);
    # anything else goes through moment. Both must order, and refuse, alike.
    (a, x), (b, y) = ((moment(t), _order(t)) for t in times)
    assert (a is None) == (x is None) and (b is None) == (y is None)
    if a is not None and b is not None:
        assert x is not None and y is not None
        assert (a < b, a == b) == (x < y, x == y)
