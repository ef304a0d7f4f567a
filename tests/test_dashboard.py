"""The dashboard names only metrics the function publishes, and every one it publishes.

The template is rendered here the way dashboard.tf renders it (plain ${name} placeholders),
so a renamed metric in report.py or in the template fails this test without Terraform;
tests/test_terraform.py checks the dashboard Terraform actually deployed the same way.
"""

from __future__ import annotations

import json
import re
from string import Template
from typing import Any

from paramguard.report import Counters

from support.paths import REPO_ROOT

NAMESPACE = "ParamStoreAnalyser"
TEMPLATE = REPO_ROOT / "templates" / "dashboard.json.tftpl"


def published_metrics() -> set[str]:
    """Every metric name the function can publish (value inspection on: all of them)."""
    return {name for name, _, _ in Counters(inspect_values=True).metrics()}


def render(alarms: list[str]) -> dict[str, Any]:
    text = Template(TEMPLATE.read_text()).substitute(
        region="eu-west-1",
        namespace=NAMESPACE,
        function_name="pg-analyzer",
        log_group="/aws/lambda/pg-analyzer",
        alarm_arns=json.dumps(alarms),
    )
    body: dict[str, Any] = json.loads(text)
    return body


def named_metrics(body: dict[str, Any], namespace: str) -> set[str]:
    """The metric names a dashboard body plots from one namespace."""
    names = set()
    for widget in body["widgets"]:
        for line in widget.get("properties", {}).get("metrics", []):
            if line[0] == namespace:
                names.add(line[1])
    return names


def test_the_template_uses_only_placeholders_terraform_passes() -> None:
    placeholders = set(re.findall(r"\$\{(\w+)\}", TEMPLATE.read_text()))
    assert placeholders == {"region", "namespace", "function_name", "log_group", "alarm_arns"}
    assert "%{" not in TEMPLATE.read_text()  # no template directives Template cannot render


def test_every_dashboard_metric_is_published_and_every_published_metric_is_shown() -> None:
    body = render(["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:pg-anomalies-detected"])

    assert named_metrics(body, NAMESPACE) == published_metrics()


def test_the_alarm_widget_lists_the_alarms_it_is_given() -> None:
    alarms = ["arn:a", "arn:b"]
    [widget] = [w for w in render(alarms)["widgets"] if w["type"] == "alarm"]

    assert widget["properties"]["alarms"] == alarms


def test_the_findings_widget_queries_the_finding_log_lines() -> None:
    [widget] = [w for w in render([])["widgets"] if w["type"] == "log"]
    query = widget["properties"]["query"]

    assert query.startswith("SOURCE '/aws/lambda/pg-analyzer'")
    assert "filter event = 'finding'" in query


def _saved_queries() -> dict[str, str]:
    text = (REPO_ROOT / "dashboard.tf").read_text()
    return dict(re.findall(r"(\S+) = \{\s*name\s*=.*?query = <<-EOT\n(.*?)\n\s*EOT", text, re.S))


def _log_lines() -> dict[str, set[str]]:
    """Each `event` the function logs, with the keys of its extra dict(s)."""
    lines: dict[str, set[str]] = {}
    for source in (REPO_ROOT / "function" / "paramguard").glob("*.py"):
        for extra in re.findall(r"extra=\{(.*?)\}", source.read_text(), re.S):
            match = re.search(r'"event": "(\w+)"', extra)
            if match:
                keys = set(re.findall(r'"(\w+)":', extra))
                lines.setdefault(match.group(1), set()).update(keys)
    return lines


def test_saved_queries_name_only_events_and_fields_the_function_logs() -> None:
    from paramguard.finding import Finding

    queries = _saved_queries()
    assert set(queries) == {"findings-by-actor", "failed-files"}
    lines = _log_lines()
    finding_fields = set(Finding("n", "String", "m", 1, "s", "cloudtrail", "request").to_dict()) | {
        "event"
    }
    by_actor = queries["findings-by-actor"]
    assert 'filter event = "finding"' in by_actor
    assert {"actor", "parameter_name"} <= finding_fields
    assert set(re.findall(r"\b(actor|parameter_name)\b", by_actor)) == {"actor", "parameter_name"}

    failed = queries["failed-files"]
    events = set(re.findall(r'"(\w+)"', failed))
    assert events <= set(lines), events - set(lines)
    fields = set(re.findall(r"fields (.*)", failed)[0].replace(" ", "").split(","))
    logged = set().union(*(lines[e] for e in events))
    assert fields - {"@timestamp"} <= logged, fields - logged
