"""The `paramguard` command line: scan CloudTrail logs, check a dictionary.

Local scans import neither boto3 nor botocore and need no AWS credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .cloudtrail import Finding, LogFormatError, decompress, scan_document
from .dictionary_store import (
    DEFAULT_MIN_RATIO_PERCENT,
    MAX_DICTIONARY_BYTES,
    check_dictionary_bytes,
    shrink_refusal,
)
from .matcher import BUILTIN_CANARIES, Dictionary, load_default

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
MAX_LOG_BYTES = 1024 * 1024 * 1024
PROGRESS_EVERY = 100


class UsageError(Exception):
    """A problem with the command line itself (exit 2)."""


@dataclass
class ScanReport:
    """Totals of one `scan` run."""

    files: int = 0
    skipped: int = 0
    records: int = 0
    bytes: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _is_log_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(".json") or lowered.endswith(".json.gz")


def _is_digest(path: str) -> bool:
    return "CloudTrail-Digest" in path or "_CloudTrail-Digest_" in path


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
        return load_default()
    body = _read_source(spec, "--dictionary", MAX_DICTIONARY_BYTES)
    check = check_dictionary_bytes(body, spec, load_default(), DEFAULT_MIN_RATIO_PERCENT)
    for error in check.errors:
        print(f"{spec}:{error.line}: {error.message}: {_shown(error.text)}", file=sys.stderr)
    if check.unusable:
        raise UsageError(f"--dictionary {check.unusable}")
    for refusal in check.refusals:
        print(f"paramguard: warning: the function would refuse it: {refusal}", file=sys.stderr)
    return check.dictionary


def _shown(text: str) -> str:
    """text, escaped if it holds control characters, so that it cannot forge output lines."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _local_files(source: str, report: ScanReport) -> Iterator[Path]:
    path = Path(source)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if not child.is_file():
                continue
            if not _is_log_name(child.name) or _is_digest(str(child)):
                report.skipped += 1
                continue
            yield child
    elif path.is_file():
        yield path
    else:
        report.errors.append(f"{source}: no such file or directory")


def _scan_bytes(raw: bytes, name: str, dictionary: Dictionary, report: ScanReport) -> None:
    gzipped = True if name.lower().endswith(".gz") else None
    data = decompress(raw, MAX_LOG_BYTES, gzipped=gzipped)
    scan = scan_document(data, dictionary, name)
    report.files += 1
    report.records += scan.records
    report.bytes += scan.size
    for candidate in scan.candidates:
        finding = candidate.finding
        if candidate.needs_type_lookup:
            finding.notes.append(
                "the write did not state a type (an overwrite); check the parameter's current type"
            )
        report.findings.append(finding)


def _scan_s3(uri: str, dictionary: Dictionary, report: ScanReport, progress: Progress) -> None:
    import boto3

    from .cloudtrail import classify_key
    from .detector import read_object
    from .events import ObjectRef

    bucket, _, prefix = uri[5:].partition("/")
    if not bucket:
        report.errors.append(f"{uri}: expected s3://bucket/prefix")
        return
    s3 = boto3.client("s3")
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    except Exception as exc:
        report.errors.append(f"{uri}: cannot list objects: {exc}")
        return
    for key in keys:
        if key != prefix and classify_key(key).kind != "log":
            report.skipped += 1
            continue
        ref = ObjectRef(bucket, key)
        try:
            _scan_bytes(read_object(s3, ref, MAX_LOG_BYTES), ref.uri, dictionary, report)
        except LogFormatError as exc:
            report.errors.append(f"{ref.uri}: {exc}")
        except Exception as exc:
            report.errors.append(f"{ref.uri}: cannot read it: {exc}")
        progress.tick()


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


def scan_sources(sources: Sequence[str], dictionary: Dictionary, stderr: TextIO) -> ScanReport:
    """Scan every SOURCE, carrying on past unreadable ones."""
    report = ScanReport()
    progress = Progress(stderr)
    for source in sources:
        if source.startswith("s3://"):
            _scan_s3(source, dictionary, report, progress)
            continue
        for path in _local_files(source, report):
            try:
                _scan_bytes(path.read_bytes(), str(path), dictionary, report)
            except (OSError, LogFormatError) as exc:
                report.errors.append(f"{path}: {exc}")
            progress.tick()
    return report


def format_finding(finding: Finding) -> str:
    """One line of text output for a finding."""
    return (
        f"{finding.source}: {finding.event_time or '?'} "
        f"{finding.account_id or '?'}/{finding.region or '?'} "
        f"{finding.parameter_name} ({finding.parameter_type}) matched '{finding.matched}' "
        f"by {finding.actor or '?'} from {finding.source_ip or '?'} "
        f"[event {finding.event_id or '?'}]"
    )


def _print_findings(findings: Sequence[Finding], as_json: bool, out: TextIO) -> None:
    for finding in findings:
        if as_json:
            print(json.dumps(finding.to_dict(), sort_keys=True, ensure_ascii=False), file=out)
        else:
            print(format_finding(finding), file=out)


def cmd_scan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard scan: report plaintext parameters with suspicious names in CloudTrail logs."""
    dictionary = load_dictionary(args.dictionary)
    report = scan_sources(args.sources, dictionary, err)
    _print_findings(report.findings, args.json, out)
    for error in report.errors:
        print(f"paramguard: {error}", file=err)
    if report.files >= PROGRESS_EVERY or report.errors:
        print(
            f"paramguard: {report.files} log files ({report.bytes / 1e6:.1f} MB), "
            f"{len(report.findings)} findings, {len(report.errors)} unreadable",
            file=err,
        )
    if report.errors:
        return EXIT_ERROR
    return EXIT_FOUND if report.findings else EXIT_CLEAN


def cmd_inventory(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard inventory: existing String/StringList parameters whose names match."""
    dictionary = load_dictionary(args.dictionary)
    import boto3
    from botocore.config import Config as BotoConfig

    from .inventory import sweep

    regions = args.region or [boto3.session.Session().region_name]
    if not regions or regions[0] is None:
        raise UsageError("no region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
    retries = BotoConfig(retries={"mode": "adaptive", "max_attempts": 10})
    findings: list[Finding] = []
    errors: list[str] = []
    for region in regions:
        try:
            ssm = boto3.client("ssm", region_name=region, config=retries)
            listed, found = sweep(ssm, dictionary, region)
        except Exception as exc:  # botocore's errors, reported per region
            errors.append(f"{region}: cannot list parameters: {exc}")
            continue
        print(
            f"paramguard: {region}: {listed} String/StringList parameters, {len(found)} findings",
            file=err,
        )
        findings.extend(found)
    _print_findings(findings, args.json, out)
    for error in errors:
        print(f"paramguard: {error}", file=err)
    if errors:
        return EXIT_ERROR
    return EXIT_FOUND if findings else EXIT_CLEAN


def cmd_redrive(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """paramguard redrive: re-process the failure queue, deleting what succeeded."""
    import boto3

    from .redrive import invoke_function, redrive

    # The queue URL names its region (https://sqs.<region>.amazonaws.com/<account>/<name>).
    found = re.match(
        r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com[.a-z]*/\d{12}/[\w-]+", args.queue_url
    )
    region = found[1] if found else None
    try:
        if args.function:
            process = invoke_function(boto3.client("lambda", region_name=region), args.function)
        else:
            from . import handler

            def process(event: object) -> object:
                return handler.lambda_handler(event, None)

        report = redrive(
            boto3.client("sqs", region_name=region), args.queue_url, process, args.limit
        )
    except Exception as exc:  # no region, no credentials, no such queue: say so, no traceback
        raise UsageError(f"redrive {args.queue_url}: {exc}") from None
    for failure in report.failed:
        print(f"paramguard: kept in the queue: {failure}", file=err)
    print(
        f"paramguard: {report.received} messages, {report.succeeded} re-processed and deleted, "
        f"{len(report.failed)} kept",
        file=out,
    )
    return EXIT_ERROR if report.failed else EXIT_CLEAN


@dataclass
class NameList:
    """Parameter names to try a dictionary on, with their labels when the file has them."""

    names: list[str]
    labels: dict[str, bool]


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
            gained.append(_shown(f"  + {name}  by '{after.entry}' (line {after.line})"))
        elif before is not None and after is None:
            lost.append(
                _shown(
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
            print(_shown(f"{kind:<10} {text}    # line {line}"), file=out)
    for error in check.errors:
        print(f"{args.file}:{error.line}: {error.message}: {_shown(error.text)}", file=err)
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
            print(_shown(f"  {miss.describe()}"), file=out)
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
            print(_shown(f"  {refusal}"), file=out)
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
        "--dictionary", metavar="PATH|s3://BUCKET/KEY", help="default: the bundled dictionary"
    )
    command.add_argument("--json", action="store_true", help="one JSON object per finding")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and the README)."""
    parser = argparse.ArgumentParser(
        prog="paramguard",
        description="Find secrets written to SSM Parameter Store as plain String/StringList.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser(
        "scan",
        help="scan CloudTrail log files, folders or s3://bucket/prefix",
        description="Exit 0: nothing found; 1: findings; 2: usage error or unreadable SOURCE.",
    )
    _finding_options(scan)
    scan.add_argument("sources", nargs="+", metavar="SOURCE")
    scan.set_defaults(func=cmd_scan)
    inventory = commands.add_parser(
        "inventory",
        help="report existing String/StringList parameters whose names match",
        description="Exit 0: nothing found; 1: findings; 2: usage error or a region failed.",
    )
    _finding_options(inventory)
    inventory.add_argument(
        "--region", action="append", metavar="REGION", help="repeatable; default: your region"
    )
    inventory.set_defaults(func=cmd_inventory)
    again = commands.add_parser(
        "redrive",
        help="re-process events from the function's failure queue",
        description=(
            "Re-processes each message of the failure queue and deletes only those that "
            "succeeded. With --function, the deployed function does the work; without it, "
            "this process does, configured by the function's environment variables. "
            "Exit 0: all re-processed; 2: some kept in the queue."
        ),
    )
    again.add_argument("queue_url", metavar="QUEUE_URL")
    again.add_argument("--function", metavar="NAME", help="invoke this deployed function")
    again.add_argument("--limit", type=int, default=1000, help="at most this many messages")
    again.set_defaults(func=cmd_redrive)
    check = commands.add_parser(
        "check-dictionary",
        help="check a dictionary before uploading it: errors, canaries, what changes",
        description=(
            "Parses FILE with the function's own loader and says whether the deployed "
            "function would accept it (valid lines, canaries, shrink guard, safe regular "
            "expressions). With --names, lists the names it newly flags and no longer flags "
            "compared with --against. Exit 0: accepted as is; 2: invalid lines, refused, "
            "or unreadable."
        ),
    )
    check.add_argument("file", metavar="FILE", help="a dictionary file or s3://BUCKET/KEY")
    check.add_argument(
        "--against",
        metavar="OLD",
        help="the dictionary to compare with (file or s3://BUCKET/KEY; default: the bundled one)",
    )
    check.add_argument(
        "--names",
        metavar="NAMES",
        help=(
            "parameter names to try, one per line, '-' for standard input; also a TSV with "
            "a 'name' column (and 'label', for recall and precision) or inventory --json lines"
        ),
    )
    check.add_argument(
        "--min-ratio",
        type=int,
        default=DEFAULT_MIN_RATIO_PERCENT,
        metavar="PERCENT",
        help="the function's DICTIONARY_MIN_RATIO_PERCENT (default %(default)s)",
    )
    check.add_argument("--verbose", action="store_true", help="also list every line's meaning")
    check.set_defaults(func=cmd_check_dictionary)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    err = sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code else EXIT_CLEAN
    try:
        code: int = args.func(args, out, err)
    except UsageError as exc:
        print(f"paramguard: {exc}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); don't print a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FOUND
    return code
