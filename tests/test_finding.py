"""The finding model as it is published: scan --json, the finding log line, EventBridge."""

from __future__ import annotations

import dataclasses

from paramguard.finding import Finding, Remediation


def test_a_finding_and_a_fix_publish_every_field_as_asdict_would_under_published_names() -> None:
    finding = Finding(
        parameter_name="/prod/db/password",
        parameter_type="String",
        matched="password",
        matched_line=3,
        read_from="s3://trail/AWSLogs/x.json.gz",
        origin="cloudtrail",
        type_from="request",
        event_id="e-1",
        notes=["first"],
        resolved_by={"how": "deleted", "resolved": True, "nested": {"list": [1, 2]}},
    )
    fix = Remediation("/prod/db/password", "deleted", "DeleteParameter", "x", "cloudtrail")
    published = {"read_from": "source", "origin": "event_source", "type_from": "type_source"}
    for model in (finding, fix):
        expected = {published.get(k, k): v for k, v in dataclasses.asdict(model).items()}
        assert model.to_dict() == expected
    out = finding.to_dict()
    out["notes"].append("changed")
    out["resolved_by"]["nested"]["list"].append(3)
    assert finding.notes == ["first"]
    assert finding.resolved_by is not None and finding.resolved_by["nested"]["list"] == [1, 2]
