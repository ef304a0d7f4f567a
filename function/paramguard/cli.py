"""The `paramguard` command line: scan CloudTrail logs, check a dictionary.

Local scans import neither boto3 nor botocore and need no AWS credentials. Each command
imports what it needs when it runs (tests/test_cli_imports.py checks what a local scan
loads): a scan of one small file is mostly interpreter start-up.
Everything printed is escaped (see text.printable): a crafted name or file name can
neither forge an output line nor hide one, and every --json line is valid JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence

from . import version
from .exit_codes import (
    ERRORS_FIRST_HELP,
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    FAIL_ON_HELP,
    LEVELS,
    HelpFormatter,
    exit_code,
    exit_table,
)
from .finding import PLAINTEXT_TYPES, Finding, Remediation, partition_of
from .limits import DEFAULT_MIN_RATIO_PERCENT, MAX_DICTIONARY_BYTES
from .logfile import LogFormatError, classify_key, is_digest, is_log_name
from .parallel import (
    Blob,
    Failure,
    LocalFile,
    S3Object,
    Task,
    read_capped,
    read_special,
    reason,
    run,
)
from .plain import Record
from .text import printable

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

    from .matcher import Dictionary
    from .sarif import Location

LOG_FILES = "*.json or *.json.gz, digests skipped"
PROGRESS_EVERY = 100
STDIN = "-"
STDIN_NAME = "<stdin>"


class UsageError(Exception):
    """A problem with the command line itself (exit 2)."""


class ScanReport(Record):
    """Totals of one `scan` run."""

    __slots__ = ("files", "skipped", "records", "bytes", "findings", "errors", "lines")

    def __init__(self) -> None:
        self.files = 0
        self.skipped = 0
        self.records = 0
        self.bytes = 0
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        # Each finding's line as it was scanned (scan_sources' line), before resolved_by.
        self.lines: list[str] = []


def _read_source(spec: str, option: str, limit: int | None = None) -> bytes:
    """The bytes of a local file, `-` (standard input) or an s3://bucket/key object."""
    label = f"{option} {spec}".strip()
    if spec.startswith("s3://"):
        bucket, _, key = spec[5:].partition("/")
        if not bucket or not key:
            raise UsageError(f"{label}: expected s3://bucket/key")
        import boto3  # only when S3 is involved

        try:
            s3 = boto3.client("s3")
            if limit is None:
                response = s3.get_object(Bucket=bucket, Key=key)
            else:  # one byte more than the limit, to tell "too big" from "exactly the limit"
                response = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{limit}")
            return bytes(response["Body"].read())
        except Exception as exc:  # botocore's errors, without importing it for local use
            raise UsageError(f"{label}: cannot read it: {exc}") from None
    try:
        if spec == "-":
            return sys.stdin.buffer.read(-1 if limit is None else limit + 1)
        with open(spec, "rb") as handle:
            return handle.read(-1 if limit is None else limit + 1)
    except OSError as exc:
        raise UsageError(f"{label}: cannot read it: {exc.strerror or exc}") from None


def load_dictionary(spec: str | None) -> Dictionary:
    """The bundled default, a local file or an s3://bucket/key object; exits 2 if unusable.

    The bytes go through the function's own loader (dictionary_store), so a dictionary the
    function would refuse is reported here too: unusable ones stop the command, the others
    (missed canaries, a drastic shrink) are scanned with after a warning.
    """
    if spec is None:
        return BundledDictionary()  # type: ignore[return-value]  # a Dictionary, loaded lazily
    from .dictionary_store import check_dictionary_bytes  # the function's loader, with logging
    from .matcher import load_default

    body = _read_source(spec, "--dictionary", MAX_DICTIONARY_BYTES)
    check = check_dictionary_bytes(body, spec, load_default(), DEFAULT_MIN_RATIO_PERCENT)
    for error in check.errors:
        print(f"{spec}:{error.line}: {error.message}: {printable(error.text)}", file=sys.stderr)
    if check.unusable:
        raise UsageError(f"--dictionary {check.unusable}")
    for refusal in check.refusals:
        print(f"paramguard: warning: the function would refuse it: {refusal}", file=sys.stderr)
    return check.dictionary


class BundledDictionary:
    """The bundled default dictionary, loaded when a name is first matched.

    A scan that meets no candidate, which is most log files, never imports the matcher nor
    parses the dictionary: about a fifth of a one-file scan's start-up. Every attribute is
    the loaded Dictionary's; a -j worker receives it as load_default's result.
    """

    def __getattr__(self, name: str) -> Any:
        from .matcher import load_default

        found = getattr(load_default(), name)
        setattr(self, name, found)  # kept: the next call (a name per record) goes straight there
        return found

    def __len__(self) -> int:
        return len(self.entries)

    def __reduce__(self) -> tuple[Any, ...]:
        from .matcher import load_default

        return (load_default, ())


def display(path: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (surrogateescape) shown as \\xNN."""
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from the file system
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _walk(top: str) -> Iterator[os.DirEntry[str] | Failure]:
    """Every non-directory under top (symlinks followed, loops cut), directories sorted.

    A directory that cannot be listed is a failure, not a silence: Path.rglob would skip it.
    """
    seen: set[tuple[int, int]] = set()
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            info = os.stat(directory)
            if (info.st_dev, info.st_ino) in seen:
                continue  # a symbolic link back up the tree
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield Failure(f"{display(directory)}: cannot list it: {reason(exc)}")
            continue
        subdirectories = []
        for entry in entries:
            try:
                is_directory = entry.is_dir()
            except OSError:
                is_directory = False  # reading it will say what is wrong
            if is_directory:
                subdirectories.append(entry.path)
            else:
                yield entry
        pending.extend(reversed(subdirectories))


def _path_tasks(path: str, report: ScanReport) -> Iterator[Task]:
    """The files to scan for one local SOURCE: a file, a folder's log files, or a pipe."""
    name = display(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        yield Failure(f"{name}: no such file or directory")
        return
    except OSError as exc:
        yield Failure(f"{name}: cannot read it: {reason(exc)}")
        return
    if not stat.S_ISDIR(mode):
        # A pipe or a terminal named on the command line is read here, by this process.
        yield (
            LocalFile(path, name, walked=False)
            if stat.S_ISREG(mode)
            else read_special(path, name, mode)
        )
        return
    logs = others = 0
    for child in _walk(path):
        if isinstance(child, Failure):
            yield child
            continue
        if not is_log_name(child.name) or is_digest(child.path):
            report.skipped += 1
            others += 1
            continue
        logs += 1
        # The listing's file type spares the worker a stat of each file. A file system
        # whose listing has no types makes is_file ask, and fail: the worker then stats the
        # file and reports what is wrong with it, as for any other file.
        try:
            regular = child.is_file(follow_symlinks=False)
        except OSError:
            regular = False
        yield LocalFile(child.path, display(child.path), walked=True, regular=regular)
    if not logs:
        # A folder with nothing to scan is a failure, not a clean result: a mistyped path
        # or a sync that has not run must not pass for "no secrets".
        yield Failure(
            f"{name}: nothing to scan: no CloudTrail log file ({LOG_FILES}) in this folder"
            + (f", only {others} other files" if others else ", it is empty")
        )


def _s3_tasks(uri: str, report: ScanReport) -> Iterator[Task]:
    """The log objects under an s3://bucket/prefix, yielded page by page as they are listed
    (fetching starts while the listing goes on)."""
    bucket, _, prefix = uri[5:].partition("/")
    if not bucket:
        yield Failure(f"{uri}: expected s3://bucket/prefix")
        return
    import boto3

    s3 = boto3.client("s3")
    keys = logs = 0
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                keys += 1
                key = item["Key"]
                if key == prefix or classify_key(key).kind == "log":
                    logs += 1
                    yield S3Object(s3, bucket, key)
                else:
                    report.skipped += 1
    except Exception as exc:  # botocore's errors, without importing it for local use
        yield Failure(f"{uri}: cannot list objects: {exc}")
        return
    if not logs:
        yield Failure(
            f"{uri}: nothing to scan: "
            + (
                f"no CloudTrail log file among the {keys} objects under this prefix"
                if keys
                else "no object under this prefix"
            )
            + " (CloudTrail writes AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/...)"
        )


def _tasks(sources: Sequence[str], report: ScanReport, stdin: BinaryIO | None) -> Iterator[Task]:
    """Everything to scan, and every failure found on the way, in the order of the sources."""
    for source in sources:
        if source.startswith("s3://"):
            yield from _s3_tasks(source, report)
        elif source == STDIN:
            try:
                yield Blob(read_capped(stdin or sys.stdin.buffer), STDIN_NAME)
            except (OSError, LogFormatError) as exc:
                yield Failure(f"{STDIN_NAME}: {exc}")
        else:
            yield from _path_tasks(source, report)


class Progress:
    """Counts scanned files on stderr when there are many."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0

    def tick(self) -> None:
        """Note one more file scanned."""
        self.count += 1
        if self.count % PROGRESS_EVERY == 0:
            print(f"paramguard: scanned {self.count} files...", file=self.stream, flush=True)


def scan_sources(
    sources: Sequence[str],
    dictionary: Dictionary,
    stderr: TextIO,
    stdin: BinaryIO | None = None,
    jobs: int = 1,
    line: Callable[[Finding], str] | None = None,
) -> ScanReport:
    """Scan every SOURCE (`-`: one log from stdin), carrying on past unreadable ones.

    With jobs > 1, files are scanned by that many processes; the report is the same.
    line, if given, renders each finding as it comes in (report.lines): with jobs > 1 this
    process does it while the workers scan, instead of after them (report_text).
    """
    report = ScanReport()
    progress = Progress(stderr)
    fixes: list[Remediation] = []
    for outcome in run(_tasks(sources, report, stdin), dictionary, jobs):
        if outcome.scanned:
            report.files += 1
            report.records += outcome.records
            report.bytes += outcome.size
            report.findings.extend(outcome.findings)
            if line is not None:
                report.lines.extend(map(line, outcome.findings))
            fixes.extend(outcome.remediations)
        if outcome.error is not None:
            report.errors.append(outcome.error)
        if outcome.read:
            progress.tick()
    if fixes and report.findings:
        # A finding fixed later in the scanned logs is still reported; resolved_by says how.
        from .fixes import mark_resolved

        mark_resolved(report.findings, fixes, None, None)
    return report


def format_finding(finding: Finding) -> str:
    """One line of text output for a finding, every field escaped (text.printable).

    A field the record did not give is left out, not shown as a placeholder.
    """

    def show(value: object) -> str:
        return printable(str(value))

    where = "/".join(show(v) for v in (finding.account_id, finding.region) if v)
    line = f"{show(finding.read_from)}:"
    if finding.event_time:
        line += f" {show(finding.event_time)}"
    if where:
        line += f" {where}"
    line += f" {show(finding.parameter_name)} ({show(finding.parameter_type)})"
    line += f" matched '{show(finding.matched)}'"
    if finding.value_matched and finding.value_matched != finding.matched:
        line += f" value '{show(finding.value_matched)}'"
    if finding.actor:
        line += f" by {show(finding.actor)}"
    if finding.source_ip:
        line += f" from {show(finding.source_ip)}"
    if finding.event_id:
        line += f" [event {show(finding.event_id)}]"
    fixed = finding.resolved_by
    if fixed:
        deleted = fixed["how"] == "deleted"
        line += "; later deleted" if deleted else "; overwritten as SecureString later"
        if fixed.get("actor"):
            line += f" by {show(fixed['actor'])}"
        if fixed.get("event_time"):
            line += f" at {show(fixed['event_time'])}"
        if not deleted:
            # The String versions stay in the parameter's history (GetParameterHistory).
            line += "; earlier versions still hold the value in plain text"
    return line


INVENTORY_COLUMNS = ("ACCOUNT", "REGION", "NAME", "TYPE", "LAST MODIFIED", "MODIFIED BY", "MATCHED")


def _utc(timestamp: str | None) -> str:
    """An ISO 8601 time as UTC to the second (2026-11-30T02:08:05Z)."""
    from datetime import UTC, datetime

    if not timestamp:
        return "-"
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return printable(timestamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_inventory(findings: Sequence[Finding]) -> str:
    """The inventory's findings as aligned columns under a header, every field escaped.

    '-' stands only for what DescribeParameters did not return (it returns all of them).
    """
    rows = [INVENTORY_COLUMNS] + [
        (
            printable(f.account_id or "-"),
            printable(f.region or "-"),
            printable(f.parameter_name),
            printable(f.parameter_type),
            _utc(f.event_time),
            printable(f.actor or "-"),
            printable(f.matched)
            + (
                f" (value: {printable(f.value_matched)})"
                if f.value_matched and f.value_matched != f.matched
                else ""
            ),
        )
        for f in findings
    ]
    widths = [max(len(row[n]) for row in rows) for n in range(len(INVENTORY_COLUMNS) - 1)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        + "\n"
        for row in rows
    )


# json.dumps(value, sort_keys=True, ensure_ascii=False), without a new encoder per line.
_JSON_LINE = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def json_line(value: Any) -> str:
    """One line of JSON: besides what JSON escapes, every character that could end, hide or
    reorder a line on a terminal (U+2028, U+0085, bidi controls...) is a \\u escape too."""
    text = _JSON_LINE.encode(value)
    if text.isprintable():
        return text
    # Outside strings json.dumps writes printable ASCII only, so these are inside strings.
    return "".join(ch if ch.isprintable() else _json_escape(ch) for ch in text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


RULE_NAME, RULE_VALUE = "plaintext-secret-name", "plaintext-secret-value"
INFORMATION_URI = "https://github.com/paramguard/paramguard/blob/main/docs/findings.md"
_FIX = (
    "Make it a SecureString (put-parameter --overwrite --type SecureString, or delete and "
    "recreate it), rotate the secret, and check who read it; see docs/findings.md."
)


def finding_level(finding: Finding) -> str:
    """'error' for a String/StringList parameter, 'warning' when its type is not known."""
    return "error" if finding.parameter_type in PLAINTEXT_TYPES else "warning"


def parameter_arn(finding: Finding) -> str | None:
    """The parameter's ARN, when its account and region are known."""
    if not finding.account_id or not finding.region:
        return None
    region = finding.region
    name = finding.parameter_name
    path = name if name.startswith("/") else f"/{name}"
    return f"arn:{partition_of(region)}:ssm:{region}:{finding.account_id}:parameter{path}"


def _log_location(read_from: str) -> Location:
    """Where a scanned log was read: s3/BUCKET/KEY for an object (code scanning takes no
    s3:// URI), or the file, relative to here if below it."""
    from .sarif import Location

    if read_from.startswith("s3://"):
        return Location("s3/" + read_from[5:], logical_name=read_from)
    if os.path.isabs(read_from):
        relative = os.path.relpath(read_from)
        return Location(read_from if relative.startswith("..") else relative)
    return Location(os.path.normpath(read_from))


def _sarif_message(finding: Finding) -> str:
    name = printable(finding.parameter_name)
    text = f"{printable(finding.parameter_type)} parameter '{name}'"
    if finding.origin == "inventory":
        text += " exists in plain text"
    else:
        text += " was written in plain text"
        if finding.event_time:
            text += f" at {printable(finding.event_time)}"
    if finding.actor:
        text += f" by {printable(finding.actor)}"
    if finding.matched.startswith("value:"):
        text += f": its value is flagged ({printable(finding.matched)}); the value is not shown"
    else:
        text += f": its name matches dictionary entry '{printable(finding.matched)}'"
        if finding.matched_line:
            text += f" (line {finding.matched_line})"
        if finding.value_matched:
            text += f"; its value is flagged too ({printable(finding.value_matched)})"
    arn = parameter_arn(finding)
    return f"{text}{f' ({arn})' if arn else ''}. {_FIX}"


_SARIF_PROPERTIES = (
    "parameter_name",
    "parameter_type",
    "matched",
    "matched_line",
    "value_matched",
    "event_id",
    "event_time",
    "account_id",
    "region",
    "actor",
    "source_ip",
    "source",
    "resolved_by",
)


def format_sarif(findings: Sequence[Finding], failures: Sequence[str]) -> str:
    """The findings as SARIF 2.1.0 for code scanning: a rule per kind of dictionary entry
    that matched (a name entry, a value detector), located at the log object or the
    parameter's ARN. Failures become tool notifications (executionSuccessful false)."""
    from .sarif import Item, Location, Notification, Rule, sarif_log

    rules = [
        Rule(
            RULE_NAME,
            "PlaintextSecretName",
            "A String or StringList SSM parameter whose name matches the suspicious-name "
            "dictionary",
            _FIX,
        ),
        Rule(
            RULE_VALUE,
            "PlaintextSecretValue",
            "A String or StringList SSM parameter whose value a value detector flags",
            _FIX,
        ),
    ]
    items = []
    for finding in findings:
        arn = parameter_arn(finding)
        if finding.origin == "inventory" and arn:
            # arn/aws/ssm/REGION/ACCOUNT/parameter/NAME: a path, as code scanning needs.
            location = Location("arn/" + arn[4:].replace(":", "/"), logical_name=arn)
        else:
            location = _log_location(finding.read_from)
        published = finding.to_dict()
        items.append(
            Item(
                rule_id=RULE_VALUE if finding.matched.startswith("value:") else RULE_NAME,
                level=finding_level(finding),
                message=_sarif_message(finding),
                location=location,
                identity=f"{arn or finding.parameter_name}\0{finding.dedup_key}",
                properties={
                    key: published[key]
                    for key in _SARIF_PROPERTIES
                    if published.get(key) not in (None, "")
                },
            )
        )
    notifications = [Notification(printable(failure)) for failure in failures]
    log = sarif_log("paramguard", version(), INFORMATION_URI, rules, items, notifications)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def finding_line(fmt: str) -> Callable[[Finding], str] | None:
    """How a format prints one finding, as a line; None for SARIF (one document)."""
    if fmt == "json":
        return lambda finding: json_line(finding.to_dict()) + "\n"
    if fmt == "text":
        return lambda finding: format_finding(finding) + "\n"
    return None


def render(findings: Sequence[Finding], failures: Sequence[str], fmt: str, table: bool) -> str:
    """The report in --format; table: the inventory's columns instead of one line each."""
    line = finding_line(fmt)
    if table and fmt == "text":
        return format_inventory(findings) if findings else ""
    if line is None:
        return format_sarif(findings, failures)
    return "".join(map(line, findings))


def report_text(report: ScanReport, fmt: str) -> str:
    """A scan's report in --format, from the lines rendered as it ran (scan_sources' line).

    Only the findings a later fix resolved (mark_resolved sets resolved_by, and nothing else
    changes a finding once scanned) are rendered again.
    """
    line = finding_line(fmt)
    if line is None or len(report.lines) != len(report.findings):
        return render(report.findings, report.errors, fmt, False)
    return "".join(
        ready if finding.resolved_by is None else line(finding)
        for finding, ready in zip(report.findings, report.lines, strict=True)
    )


def _write(report: str, output: str | None, out: TextIO) -> None:
    """The report to --output FILE, or standard output."""
    if output is None:
        out.write(report)
        out.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(report)
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write it: {reason(exc)}") from None


def _say(err: TextIO, text: str) -> None:
    """One line on stderr, escaped like the findings."""
    print(f"paramguard: {printable(text)}", file=err)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def cmd_scan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard scan: report plaintext parameters with suspicious names in CloudTrail logs."""
    if args.sources.count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given once")
    started = time.monotonic()
    dictionary = load_dictionary(args.dictionary)
    line = finding_line(args.format)
    stdin = getattr(args, "stdin", None)
    report = scan_sources(args.sources, dictionary, err, stdin, args.jobs, line)
    nothing = report.files == 0
    if not nothing:
        _write(report_text(report, args.format), args.output, out)
    for error in report.errors:
        _say(err, error)
    if nothing:
        _say(
            err,
            f"nothing scanned: no CloudTrail log file ({LOG_FILES}) could be read from "
            + ", ".join(display(source) for source in args.sources),
        )
    _say(
        err,
        f"scan: {_plural(report.files, 'log file')} ({report.bytes / 1e6:.1f} MB, "
        f"{_plural(report.records, 'record')}) in {time.monotonic() - started:.1f} s: "
        f"{_plural(len(report.findings), 'finding')}, {_plural(len(report.errors), 'failure')}"
        + (f", {report.skipped} other files skipped" if report.skipped else ""),
    )
    if nothing:
        return EXIT_ERROR
    levels = [finding_level(f) for f in report.findings]
    return exit_code(levels, len(report.errors), args.fail_on, args.errors_first)


def _caller_account(boto3: Any, region: str) -> str | None:
    """The account these credentials belong to (sts:GetCallerIdentity needs no permission)."""
    try:
        account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
    except Exception:  # noqa: BLE001 - only labels the output; the ARNs carry it too
        return None
    return account if isinstance(account, str) else None


def _has_parameters(ssm: Any) -> bool | None:
    """Whether a region holds any parameter at all (of any type); None if it cannot be told."""
    try:
        return bool(ssm.describe_parameters(MaxResults=1).get("Parameters"))
    except Exception:  # noqa: BLE001 - only tells an empty region from a SecureString-only one
        return None


def cmd_inventory(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard inventory: existing String/StringList parameters whose names match."""
    if args.organization:
        from .organization import cli_inventory

        return cli_inventory(args, out, err)
    if args.role_name or args.ou or args.account or args.include_management_account:
        raise UsageError(
            "--role-name, --ou, --account and --include-management-account go with --organization"
        )
    started = time.monotonic()
    dictionary = load_dictionary(args.dictionary)
    import logging

    import boto3
    from botocore.config import Config as BotoConfig

    from .inventory import sweep_regions

    regions = args.region or [boto3.session.Session().region_name]
    if not regions or regions[0] is None:
        raise UsageError("no region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
    retries = BotoConfig(retries={"mode": "adaptive", "max_attempts": 10})
    findings: list[Finding] = []
    errors: list[str] = []

    def client(region: str) -> Any:
        return boto3.client("ssm", region_name=region, config=retries)

    # Each value that could not be read is named on stderr below, with its reason, so the
    # function's log lines for it are held back while the sweep runs.
    quiet = logging.getLogger("paramguard.inspection")
    was_disabled, quiet.disabled = quiet.disabled, True
    try:
        results = sweep_regions(client, regions, dictionary, inspect_values=args.inspect_values)
    finally:
        quiet.disabled = was_disabled
    account = _caller_account(boto3, regions[0])
    listed = 0
    empty: list[str] = []
    # Each region on its own: one that fails is named (exit 2), the others still printed.
    for result in results:
        findings.extend(result.findings)  # a region that failed part-way keeps what it found
        listed += result.listed
        if result.error is not None:
            errors.append(
                f"{result.region}: cannot list parameters: {result.error} "
                f"(after {result.listed} listed, {len(result.findings)} findings)"
            )
            continue
        nothing_there = result.listed == 0 and _has_parameters(client(result.region)) is False
        if nothing_there:
            empty.append(result.region)
        _say(
            err,
            f"{result.region}: {result.listed} String/StringList parameters, "
            f"{len(result.findings)} findings"
            + (f", {len(result.not_inspected)} values not inspected" if args.inspect_values else "")
            + (" (no parameter of any type in this region)" if nothing_there else ""),
        )
        errors += [f"{result.region}: {name}: {reason}" for name, reason in result.not_inspected]
    for finding in findings:
        finding.account_id = finding.account_id or account
    nothing = not errors and len(empty) == len(results)
    if not nothing:
        _write(render(findings, errors, args.format, True), args.output, out)
    for error in errors:
        _say(err, error)
    of_account = f" of account {account}" if account else ""
    if nothing:
        _say(
            err,
            "nothing checked: no parameter of any type in "
            + ", ".join(regions)
            + f"{of_account}; is it the right region (--region) and account (AWS_PROFILE)?",
        )
    _say(
        err,
        f"inventory: {_plural(listed, 'String/StringList parameter')} in "
        f"{_plural(len(results), 'region')}{of_account} in {time.monotonic() - started:.1f} s: "
        f"{_plural(len(findings), 'finding')}, {_plural(len(errors), 'failure')}",
    )
    if nothing:
        return EXIT_ERROR
    levels = [finding_level(f) for f in findings]
    return exit_code(levels, len(errors), args.fail_on, args.errors_first)


def cmd_redrive(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard redrive: re-process the failure queue, deleting what succeeded."""
    import contextlib

    import boto3
    from botocore.config import Config

    from . import redrive as rd

    # The queue URL names its region (https://sqs.<region>.amazonaws.com/<account>/<name>).
    found = re.match(
        r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com[.a-z]*/\d{12}/[\w-]+", args.queue_url
    )
    region = found[1] if found else None
    try:
        sqs = boto3.client("sqs", region_name=region)
        # Everything a run needs is checked once, before any message is received: a missing
        # queue, function or setting must not turn every message into a failure.
        queue_visibility = rd.queue_visibility_timeout(sqs, args.queue_url)
        if args.function:
            timeout = rd.function_timeout(boto3.client("lambda", region_name=region), args.function)
            visibility = args.visibility_timeout or rd.visibility_for_function(timeout)
            source = f"{args.function}'s timeout {timeout} s + {rd.INVOKE_MARGIN_SECONDS} s"
            # A synchronous invoke answers when the function is done, so wait that long; and
            # send it once: one that timed out on our side may still be running.
            invoker = boto3.client(
                "lambda",
                region_name=region,
                config=Config(
                    read_timeout=timeout + rd.INVOKE_MARGIN_SECONDS,
                    retries={"total_max_attempts": 1},
                ),
            )
            process = rd.invoke_function(invoker, args.function)
        else:
            from . import handler
            from .config import Config as FunctionConfig

            FunctionConfig.from_env()  # the function's settings, as the handler will read them
            visibility = args.visibility_timeout or queue_visibility
            source = "the queue's visibility timeout"

            def process(event: object) -> object:
                # The handler writes its metrics as an EMF line to stdout, for Lambda's log
                # group; here nothing extracts them, and stdout is this command's report.
                with contextlib.redirect_stdout(err):
                    return handler.lambda_handler(event, None)

        if args.visibility_timeout:
            source = "--visibility-timeout"
        print(f"paramguard: holding each message {visibility} s ({source})", file=err)
        report = rd.redrive(sqs, args.queue_url, process, visibility, args.limit)
    except Exception as exc:  # no region, no credentials, no such queue: say so, no traceback
        raise UsageError(f"redrive {args.queue_url}: {exc}") from None
    for failure in report.failed:
        print(f"paramguard: kept in the queue: {failure}", file=err)
    for error in report.return_errors:
        print(f"paramguard: visible again only after {visibility} s: {error}", file=err)
    # Messages another reader holds were not seen by this run: an empty run is not "done".
    elsewhere = max(_in_flight(sqs, args.queue_url) - len(report.return_errors), 0)
    if elsewhere:
        _say(
            err,
            f"{elsewhere} more messages are in flight, not received by this run (another "
            "reader holds them; visible again when its visibility timeout ends): run again then",
        )
    print(
        f"paramguard: {report.received} messages, {report.succeeded} re-processed and deleted, "
        f"{len(report.failed)} kept" + (f", {elsewhere} in flight elsewhere" if elsewhere else ""),
        file=out,
    )
    return EXIT_ERROR if report.failed or elsewhere else EXIT_CLEAN


def _in_flight(sqs: Any, queue_url: str) -> int:
    """The queue's messages received and not yet deleted (approximate, as SQS counts them)."""
    try:
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0))
    except Exception:  # noqa: BLE001 - the run's own outcome is already known and printed
        return 0


class NameList(Record):
    """Parameter names to try a dictionary on, with their labels when the file has them."""

    __slots__ = ("names", "labels")

    def __init__(self, names: list[str], labels: dict[str, bool]) -> None:
        self.names = names
        self.labels = labels


def read_names(spec: str) -> NameList:
    """Names from a file (one per line), a TSV with a `name` column, or inventory --json lines."""
    try:
        text = _read_source(spec, "--names").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"--names {spec}: not UTF-8 text ({exc.reason})") from None
    lines = [
        (number, line.rstrip("\r"))
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.lstrip().startswith("#")  # '#' is not allowed in names
    ]
    found: dict[str, None] = {}
    labels: dict[str, bool] = {}
    if lines and lines[0][1].lstrip().startswith("{"):
        for number, line in lines:
            try:
                row = json.loads(line)
                name = row["parameter_name"]
            except (ValueError, TypeError, KeyError):
                raise UsageError(
                    f"--names {spec}:{number}: expected a JSON object with parameter_name "
                    "(the output of paramguard inventory --json)"
                ) from None
            if not isinstance(name, str):
                raise UsageError(f"--names {spec}:{number}: parameter_name is not a string")
            found[name] = None
    elif lines and "\t" in lines[0][1] and lines[0][1].split("\t")[0].strip() == "name":
        header = [column.strip() for column in lines[0][1].split("\t")]
        label = header.index("label") if "label" in header else None
        for _, line in lines[1:]:
            columns = line.split("\t")
            found[columns[0]] = None
            if label is not None and label < len(columns) and columns[label] in ("0", "1"):
                labels[columns[0]] = columns[label] == "1"
    else:
        for _, line in lines:
            found[line.strip()] = None
    return NameList(list(found), labels)


def _rates(names: NameList, dictionary: Dictionary) -> tuple[float, float]:
    tp = fp = fn = 0
    for name, secret in names.labels.items():
        flagged = dictionary.match(name) is not None
        tp += flagged and secret
        fp += flagged and not secret
        fn += secret and not flagged
    return tp / max(tp + fn, 1), tp / max(tp + fp, 1)


def _compare(new: Dictionary, old: Dictionary, old_name: str, names: NameList, out: TextIO) -> None:
    """Print the names the new dictionary flags and no longer flags, and why."""
    gained: list[str] = []
    lost: list[str] = []
    flagged = {"old": 0, "new": 0}
    for name in names.names:
        before, after = old.match(name), new.match(name)
        flagged["old"] += before is not None
        flagged["new"] += after is not None
        if before is None and after is not None:
            gained.append(printable(f"  + {name}  by '{after.entry}' (line {after.line})"))
        elif before is not None and after is None:
            lost.append(
                printable(
                    f"  - {name}  was '{before.entry}' (line {before.line}) in {old_name}; "
                    f"now {new.explain(name).describe()}"
                )
            )
    print(
        f"names: {len(names.names)}; {old_name} flags {flagged['old']}, "
        f"this dictionary {flagged['new']}",
        file=out,
    )
    print(f"newly flagged: {len(gained)}", file=out)
    for line in gained:
        print(line, file=out)
    print(f"no longer flagged: {len(lost)}", file=out)
    for line in lost:
        print(line, file=out)
    if names.labels:
        old_recall, old_precision = _rates(names, old)
        recall, precision = _rates(names, new)
        print(
            f"on the {len(names.labels)} labelled names: recall {old_recall:.3f} -> "
            f"{recall:.3f}, precision {old_precision:.3f} -> {precision:.3f}",
            file=out,
        )


def cmd_check_dictionary(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard check-dictionary: say what a dictionary does, and would the function take it."""
    from .dictionary_store import check_dictionary_bytes, shrink_refusal
    from .matcher import BUILTIN_CANARIES, load_default

    body = _read_source(args.file, "", MAX_DICTIONARY_BYTES)
    default = load_default()
    check = check_dictionary_bytes(body, args.file, default, args.min_ratio)
    old, old_name = default, "the bundled default"
    if args.against is not None:
        old_name = args.against
        against = _read_source(args.against, "--against", MAX_DICTIONARY_BYTES)
        old_check = check_dictionary_bytes(against, args.against, None, 0)
        if old_check.unusable:
            raise UsageError(f"--against {old_check.unusable}")
        old = old_check.dictionary
    names = read_names(args.names) if args.names is not None else None
    dictionary = check.dictionary
    refusals = [check.unusable] if check.unusable else []
    if check.missed_canaries:
        refusals.append(f"it no longer flags {len(check.missed_canaries)} canary name(s), above")
    if check.shrink:
        refusals.append(check.shrink)
    if args.against is not None and len(dictionary):
        # A warm function compares with the dictionary in use, a cold one with the default.
        shrunk = shrink_refusal(dictionary, old, args.min_ratio, args.file)
        if shrunk:
            refusals.append(shrunk)
    if args.verbose:
        for line, kind, text in dictionary.listing():
            print(printable(f"{kind:<10} {text}    # line {line}"), file=out)
    for error in check.errors:
        print(f"{args.file}:{error.line}: {error.message}: {printable(error.text)}", file=err)
    regexes = sum(entry[:3].lower() == "re:" for entry in dictionary.entries)
    print(
        f"{args.file}: {len(dictionary)} name entries ({regexes} regular expressions), "
        f"{len(dictionary.exclusions)} exclusions, "
        f"{len(dictionary.value_rules) + len(dictionary.value_exclusions)} value lines, "
        f"{len(dictionary.canaries)} canaries declared, {len(check.errors)} invalid lines",
        file=out,
    )
    if len(dictionary):
        total = len(dictionary.canaries) + len(BUILTIN_CANARIES)
        print(
            f"canaries: {total - len(check.missed_canaries)} of {total} flagged "
            f"({len(BUILTIN_CANARIES)} built in, {len(dictionary.canaries)} declared)",
            file=out,
        )
        for miss in check.missed_canaries:
            print(printable(f"  {miss.describe()}"), file=out)
        sizes = f"{len(default)} in the bundled default"
        if args.against is not None:
            sizes = f"{len(old)} in {old_name} and {sizes}"
        print(
            f"size: {len(dictionary)} entries against {sizes} (the function refuses fewer "
            f"than {args.min_ratio}% of the dictionary in use)",
            file=out,
        )
    if names is not None and len(dictionary):
        _compare(dictionary, old, old_name, names, out)
    if refusals:
        print(
            "the deployed function would REFUSE this dictionary, keep the one in use and "
            "count DictionaryLoadFailures:",
            file=out,
        )
        for refusal in refusals:
            print(printable(f"  {refusal}"), file=out)
    elif check.errors:
        print(
            f"the deployed function would load it without the {len(check.errors)} invalid "
            "line(s) listed on stderr, and count DictionaryLoadFailures",
            file=out,
        )
    else:
        print("the deployed function would accept it", file=out)
    return EXIT_ERROR if refusals or check.errors else EXIT_CLEAN


def _finding_options(command: argparse.ArgumentParser) -> None:
    """The options of the commands that report findings (scan, inventory)."""
    command.add_argument(
        "--dictionary",
        metavar="PATH|s3://BUCKET/KEY",
        help="the suspicious-name dictionary, through the function's own loader "
        "(default: the bundled one)",
    )
    command.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default; for people), json (one JSON object per finding and line), or "
        "sarif (SARIF 2.1.0 for GitHub code scanning)",
    )
    command.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        help="the same as --format json",
    )
    command.add_argument(
        "--output", "-o", metavar="FILE", help="write the report here instead of standard output"
    )
    command.add_argument("--fail-on", choices=tuple(LEVELS), default="warning", help=FAIL_ON_HELP)
    command.add_argument("--errors-first", action="store_true", help=ERRORS_FIRST_HELP)


def _epilog(examples: Sequence[str], table: str) -> str:
    return "examples:\n" + "".join(f"  {line}\n" for line in examples) + "\n" + table


SCAN_EPILOG = _epilog(
    [
        "paramguard scan ~/trail-logs/",
        "paramguard scan --format sarif -o trail.sarif s3://my-trail-bucket/AWSLogs/",
        "aws s3 cp s3://my-trail-bucket/AWSLogs/.../x.json.gz - | paramguard scan -",
        "paramguard scan --json --errors-first AWSLogs/ > findings.jsonl",
    ],
    exit_table("no CloudTrail log file in any SOURCE"),
)
INVENTORY_EPILOG = _epilog(
    [
        "paramguard inventory --region eu-west-1 --region us-east-1",
        "paramguard inventory --inspect-values --format sarif -o parameters.sarif",
        "paramguard inventory --json > parameters.jsonl",
        "paramguard inventory --organization --region eu-west-1 --region us-east-1 -j 16",
        "paramguard inventory --organization --ou ou-ab12-cdefgh34 --role-name audit-ssm",
    ],
    exit_table(
        "no parameter of any type in any REGION;\n"
        "     with --organization: no region of any account could be listed"
    ),
)
REDRIVE_EPILOG = _epilog(
    [
        "paramguard redrive https://sqs.eu-west-1.amazonaws.com/123456789012/"
        "paramguard-analyzer-failures --function paramguard-analyzer",
        "paramguard redrive QUEUE_URL --limit 10 --visibility-timeout 900",
    ],
    "exit status:\n"
    "  0  every message received was re-processed and deleted (or the queue was empty)\n"
    "  2  some kept in the queue (each named on stderr, visible again at once), or some\n"
    "     in flight that another reader holds; the queue or the function does not exist\n"
    "     or cannot be reached; usage errors\n",
)
CHECK_EPILOG = _epilog(
    [
        "paramguard check-dictionary dictionary/dictionary.txt",
        "paramguard check-dictionary my.txt --against s3://my-bucket/dictionary.txt",
        "paramguard check-dictionary my.txt --names names.txt --verbose",
    ],
    "exit status:\n"
    "  0  the deployed function would accept it as it is\n"
    "  2  invalid lines, the function would refuse it (canaries, shrink guard, empty),\n"
    "     or it could not be read; usage errors\n",
)


def _visibility_timeout(text: str) -> int:
    """An SQS visibility timeout in seconds, as argparse reads it."""
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= 43200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds, 1-43200")
    return seconds


def default_jobs() -> int:
    """The CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= 256:
        raise argparse.ArgumentTypeError(
            f"expected a number of processes from 1 to 256, got {text!r}"
        )
    return jobs


class _Version(argparse._VersionAction):
    """--version, looked up only when asked: importlib.metadata is slow to import."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        self.version = f"paramguard {version()}"
        super().__call__(parser, namespace, values, option_string)


def _scan_command(command: argparse.ArgumentParser) -> None:
    command.description = (
        "Reports every successful PutParameter of a String/StringList parameter whose "
        "name matches the dictionary, as the deployed function would. "
        "Names only: CloudTrail hides every value, so scan cannot inspect values; "
        "use 'inventory --inspect-values' for the parameters as they are now. "
        "One summary line on stderr at the end: log files, findings, failures, time."
    )
    command.epilog = SCAN_EPILOG
    _finding_options(command)
    command.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=default_jobs(),
        metavar="N",
        help="scan with N processes (default: the number of CPUs, %(default)s here); the "
        "report is the same for any N",
    )
    command.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a log file (.json or .json.gz), a folder (recursive; other files skipped), a "
        "named pipe, s3://BUCKET/PREFIX, or - for one log on standard input (gzip or plain)",
    )
    command.set_defaults(func=cmd_scan)


def _inventory_command(command: argparse.ArgumentParser) -> None:
    command.description = (
        "Lists the String/StringList parameters of each REGION (ssm:DescribeParameters, "
        "names and metadata only) and reports those whose names match the dictionary: "
        "account, region, name, type, last modified and by whom, what matched. "
        "One summary line on stderr at the end: parameters, findings, failures, time."
    )
    command.epilog = INVENTORY_EPILOG
    _finding_options(command)
    command.add_argument(
        "--inspect-values",
        action="store_true",
        help=(
            "also read each listed parameter's value (ssm:GetParameter on name:version, no "
            "decryption, one call per parameter) and report secrets in it whatever the name; "
            "values are never printed"
        ),
    )
    command.add_argument(
        "--region",
        action="append",
        metavar="REGION",
        help="a region to sweep, repeatable; default: your region (AWS_REGION, the profile)",
    )
    organization = command.add_argument_group(
        "organization",
        "sweep every account of the organization through a read-only role in each "
        "(sts:AssumeRole); the account running this is swept with its own credentials",
    )
    organization.add_argument(
        "--organization",
        action="store_true",
        help="sweep the organization's ACTIVE accounts (organizations:ListAccounts: the "
        "management account or a delegated administrator), or those of --ou or --account",
    )
    organization.add_argument(
        "--role-name",
        metavar="NAME",
        help="the role to assume in each account (default: paramguard-member)",
    )
    organization.add_argument(
        "--ou",
        action="append",
        metavar="OU",
        help="only the accounts under this organizational unit or root (ou-..., r-...), "
        "recursively; repeatable",
    )
    organization.add_argument(
        "--account",
        action="append",
        metavar="ID",
        help="only this account (no organizations call); repeatable",
    )
    organization.add_argument(
        "--include-management-account",
        action="store_true",
        help="also sweep the management account (skipped otherwise: a service-managed "
        "StackSet deploys no member role there; for a role deployed there by other means)",
    )
    organization.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=8,
        metavar="N",
        help="sweep N account-regions at a time (default: %(default)s)",
    )
    command.set_defaults(func=cmd_inventory)


def _redrive_command(command: argparse.ArgumentParser) -> None:
    command.description = (
        "Re-processes each message of the failure queue and deletes only those that "
        "succeeded. With --function, the deployed function does the work; without it, "
        "this process does, configured by the function's environment variables. "
        "The queue (and the function, or the environment) is checked before any message "
        "is received. A message that fails is returned to the queue (visible again at "
        "once) at the end of the run, so a rerun sees it."
    )
    command.epilog = REDRIVE_EPILOG
    command.add_argument(
        "queue_url",
        metavar="QUEUE_URL",
        help="the failure queue's URL (terraform output failure_queue_url); it names the region",
    )
    command.add_argument(
        "--function",
        metavar="NAME",
        help="re-process by invoking this deployed function (synchronously, once per message)",
    )
    command.add_argument(
        "--limit",
        type=int,
        default=1000,
        help="receive at most this many messages (default %(default)s)",
    )
    command.add_argument(
        "--visibility-timeout",
        type=_visibility_timeout,
        metavar="SECONDS",
        help=(
            "how long a message is held while it is re-processed (1-43200); default: the "
            "function's timeout + 30 s with --function, else the queue's visibility timeout"
        ),
    )
    command.set_defaults(func=cmd_redrive)


def _check_dictionary_command(command: argparse.ArgumentParser) -> None:
    command.description = (
        "Parses FILE with the function's own loader and says whether the deployed "
        "function would accept it (valid lines, canaries, shrink guard, safe regular "
        "expressions). With --names, lists the names it newly flags and no longer flags "
        "compared with --against. Prints a summary; --verbose adds every line."
    )
    command.epilog = CHECK_EPILOG
    command.add_argument("file", metavar="FILE", help="a dictionary file or s3://BUCKET/KEY")
    command.add_argument(
        "--against",
        metavar="OLD",
        help="the dictionary to compare with (file or s3://BUCKET/KEY; default: the bundled one)",
    )
    command.add_argument(
        "--names",
        metavar="NAMES",
        help=(
            "parameter names to try, one per line, '-' for standard input; also a TSV with "
            "a 'name' column (and 'label', for recall and precision) or inventory --json lines"
        ),
    )
    command.add_argument(
        "--min-ratio",
        type=int,
        default=DEFAULT_MIN_RATIO_PERCENT,
        metavar="PERCENT",
        help="the function's DICTIONARY_MIN_RATIO_PERCENT (default %(default)s)",
    )
    command.add_argument("--verbose", action="store_true", help="also list every line's meaning")
    command.set_defaults(func=cmd_check_dictionary)


def _iac_command(command: argparse.ArgumentParser) -> None:
    from .iac.cli import configure  # hcl2/yaml load only when `iac` runs

    configure(command)


# Every command: its line in `paramguard --help`, and what builds its description and
# options. main builds only the command it runs (the others' options were a tenth of the
# start-up of `paramguard scan`).
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "scan": (
        "scan CloudTrail log files, folders, s3://bucket/prefix or - (standard input)",
        _scan_command,
    ),
    "inventory": (
        "report existing String/StringList parameters whose names (or values) match",
        _inventory_command,
    ),
    "redrive": (
        "re-process events from the function's failure queue",
        _redrive_command,
    ),
    "check-dictionary": (
        "check a dictionary before uploading it: errors, canaries, what changes",
        _check_dictionary_command,
    ),
    "iac": (
        "find plaintext-secret SSM parameters in Terraform and CloudFormation code",
        _iac_command,
    ),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and the README): with every command's options,
    or, given a command's name, with only that command's (the others are listed)."""
    parser = argparse.ArgumentParser(
        prog="paramguard",
        formatter_class=HelpFormatter,
        description="Find secrets written to SSM Parameter Store as plain String/StringList.",
        epilog="Run 'paramguard COMMAND --help' for a command's options, examples and exit "
        "status. Documentation: docs/cli.md.",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (summary, build) in _COMMANDS.items():
        sub = commands.add_parser(name, help=summary, formatter_class=HelpFormatter)
        if command is None or command == name:
            build(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command argv runs when it is plain to see: its first word is a command's name."""
    return argv[0] if argv and argv[0] in _COMMANDS else None


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, stdin: BinaryIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show a character gets an escape, never a traceback.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    out = out or sys.stdout
    err = sys.stderr
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_of(words))
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code else EXIT_CLEAN
    args.stdin = stdin
    try:
        code: int = args.func(args, out, err)
    except UsageError as exc:
        _say(err, str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); don't print a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FOUND
    return code
