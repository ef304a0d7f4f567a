"""Reading the function's metrics back from its embedded metric format (EMF) log lines.

In AWS, CloudWatch Logs extracts the metrics from the lines the function writes to stdout;
moto extracts nothing, so tests, the demo and the bench capture stdout and read the lines
themselves. Every line that declares `_aws` is checked against the specification's rules
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
as it is read, so a malformed document fails the test that produced it.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

MAX_METRICS = 100  # MetricDefinition objects per MetricDirective
MAX_DIMENSIONS = 30  # dimension keys per DimensionSet
# The units CloudWatch accepts (MetricDatum.Unit / EMF MetricDefinition.Unit).
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
}  # fmt: skip


class InvalidEmf(AssertionError):
    """A line declares EMF metadata but CloudWatch Logs would not extract metrics from it."""


def problems(document: Any) -> list[str]:
    """Why CloudWatch Logs would reject this EMF document (empty when it is valid)."""
    if not isinstance(document, dict):
        return ["the log event is not a JSON object"]
    meta = document.get("_aws")
    if not isinstance(meta, dict):
        return ["no _aws metadata object"]
    found = []
    stamp = meta.get("Timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int) or stamp <= 0:
        found.append(f"_aws.Timestamp must be milliseconds since the epoch, not {stamp!r}")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*found, "_aws.CloudWatchMetrics must be a non-empty array"]
    for directive in directives:
        found += _directive_problems(document, directive)
    return found


def _directive_problems(document: dict[str, Any], directive: Any) -> list[str]:
    if not isinstance(directive, dict):
        return ["a MetricDirective is not an object"]
    found = []
    namespace = directive.get("Namespace")
    if not isinstance(namespace, str) or not 1 <= len(namespace) <= 1024:
        found.append(f"Namespace must be a string of 1-1024 characters, not {namespace!r}")
    dimension_sets = directive.get("Dimensions")
    if not isinstance(dimension_sets, list) or not dimension_sets:
        found.append("Dimensions must be a non-empty array of dimension sets")
    else:
        for dimension_set in dimension_sets:
            if not isinstance(dimension_set, list) or len(dimension_set) > MAX_DIMENSIONS:
                found.append(f"a dimension set must be an array of at most {MAX_DIMENSIONS}")
                continue
            for key in dimension_set:
                if not isinstance(document.get(key), str):
                    found.append(f"dimension {key!r} needs a string member at the root")
    metrics = directive.get("Metrics")
    if not isinstance(metrics, list) or not metrics:
        return [*found, "Metrics must be a non-empty array"]
    if len(metrics) > MAX_METRICS:
        found.append(f"{len(metrics)} metrics in one directive; at most {MAX_METRICS}")
    for metric in metrics:
        name = metric.get("Name") if isinstance(metric, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= 1024:
            found.append(f"a metric Name must be a string of 1-1024 characters: {metric!r}")
            continue
        unit = metric.get("Unit", "None")
        if unit not in UNITS:
            found.append(f"{name}: unit {unit!r} is not a CloudWatch unit")
        value = document.get(name)
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 100 or not all(_is_number(v) for v in values):
            found.append(f"{name}: the root member must be a number (or up to 100), not {value!r}")
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def documents(lines: str | Iterable[str]) -> list[dict[str, Any]]:
    """The EMF documents among log lines (other lines are skipped); raises InvalidEmf."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    found = []
    for line in lines:
        if '"_aws"' not in line:
            continue
        try:
            document = json.loads(line)
        except ValueError as exc:
            # EMF needs the whole log event to be the JSON object: no prefix, no suffix.
            raise InvalidEmf(f"an EMF line is not exactly one JSON object: {line!r}") from exc
        wrong = problems(document)
        if wrong:
            raise InvalidEmf(f"{'; '.join(wrong)}: {line!r}")
        found.append(document)
    return found


def metric_sum(
    source: str | Iterable[str] | EmfRecorder, namespace: str, name: str
) -> float | None:
    """Sum of a metric over the EMF lines (as CloudWatch's Sum would be); None if never emitted."""
    lines = source.lines if isinstance(source, EmfRecorder) else source
    total: float | None = None
    for document in documents(lines):
        for directive in document["_aws"]["CloudWatchMetrics"]:
            if directive["Namespace"] != namespace:
                continue
            if any(metric["Name"] == name for metric in directive["Metrics"]):
                value = document[name]
                total = (total or 0.0) + float(sum(value) if isinstance(value, list) else value)
    return total


class EmfRecorder:
    """The lines the code under test wrote to stdout, read back as metrics."""

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read

    @property
    def lines(self) -> list[str]:
        """Every line written so far."""
        return self._read().splitlines()

    def documents(self) -> list[dict[str, Any]]:
        """The EMF documents written so far, each checked against the specification."""
        return documents(self.lines)

    def sum(self, namespace: str, name: str) -> float | None:
        """Sum of one metric over the EMF lines written so far; None if never emitted."""
        return metric_sum(self.lines, namespace, name)


class _Tee(io.TextIOBase):
    def __init__(self, target: Any, copy: io.StringIO) -> None:
        self._target, self._copy = target, copy

    def write(self, text: str) -> int:
        self._copy.write(text)
        return int(self._target.write(text))

    def flush(self) -> None:
        self._target.flush()


@contextlib.contextmanager
def record_emf(passthrough: bool = True) -> Iterator[EmfRecorder]:
    """Record stdout (what Lambda would send to the log group), by default still writing it.

    For scripts and module-scoped fixtures; inside a pytest test use `from_capsys`, since
    pytest re-installs its own stdout at the start of each test phase.
    """
    copy = io.StringIO()
    target = _Tee(sys.stdout, copy) if passthrough else copy
    with contextlib.redirect_stdout(target):
        yield EmfRecorder(copy.getvalue)


def from_capsys(capsys: Any) -> EmfRecorder:
    """A recorder reading pytest's captured stdout without taking it from the test.

    It sees what was written since the test last called capsys.readouterr() itself.
    """

    def peek() -> str:
        captured = capsys.readouterr()
        # Put it back, so the test's own readouterr() still gets everything.
        sys.stdout.write(captured.out)
        sys.stderr.write(captured.err)
        return str(captured.out)

    return EmfRecorder(peek)
