"""`paramguard iac PATH...`: the command line of the infrastructure-code scanner.

Exit codes: 0 nothing to report, 1 findings at or above --fail-on, 2 a problem (bad usage,
an unusable dictionary, nothing to scan, or a file that could not be read when there is no
finding to report, or always with --errors-first).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence

from .. import version
from ..exit_codes import (
    ERRORS_FIRST_HELP,
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    FAIL_ON_HELP,
    LEVELS,
    HelpFormatter,
    exit_table,
)
from ..exit_codes import exit_code as shared_exit_code
from ..limits import MAX_DICTIONARY_BYTES
from ..text import printable

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:  # the scanner needs the iac extra (PyYAML, python-hcl2): imported by run()
    from typing import Any, TextIO

    from .scan import Scan
    from .verdict import Result
# `paramguard scan` registers this command too, so what only `iac` uses (pathlib, the
# verdict rules) is imported when it runs: a local scan's start-up stays small.

INFORMATION_URI = "https://github.com/paramguard/paramguard/blob/main/docs/iac.md"


EPILOG = (
    "examples:\n"
    "  paramguard iac .\n"
    "  paramguard iac --format sarif --output paramguard.sarif infra/\n"
    "  paramguard iac --fail-on error --exclude examples modules/\n\n"
    + exit_table("no Terraform or CloudFormation file under the PATHs")
)


class _Failure(Exception):
    """A problem that stops the run (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `iac` (shared by `paramguard iac` and `python -m paramguard.iac`)."""
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files or directories to scan (default: the current directory); directories are "
        "read recursively for .tf, .tf.json, tfvars, and .yaml/.yml/.json/.template "
        "CloudFormation templates; a `terraform show -json` plan file is read as a plan",
    )
    parser.add_argument(
        "--dictionary",
        metavar="FILE|s3://BUCKET/KEY",
        help="suspicious-name dictionary (default: the bundled one, as the function uses)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default; for people), json (findings, suppressed, problems, summary), or "
        "sarif (SARIF 2.1.0 for GitHub code scanning)",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the report here instead of standard output"
    )
    parser.add_argument(
        "--fail-on",
        choices=tuple(LEVELS),
        default="warning",
        help=FAIL_ON_HELP,
    )
    parser.add_argument(
        "--errors-first",
        action="store_true",
        help=ERRORS_FIRST_HELP,
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files and directories whose path or name matches (repeatable), "
        "e.g. --exclude examples --exclude 'test/*'",
    )
    parser.add_argument(
        "--no-value-inspection",
        dest="inspect_values",
        action="store_false",
        help="judge names only, as the deployed function does without value inspection",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Give the `iac` subcommand of `paramguard` its description and options."""
    parser.description = (
        "Find String/StringList SSM parameters whose name (or literal value) "
        "holds a secret, in Terraform (.tf, .tf.json, plan JSON) and CloudFormation/SAM/CDK "
        "templates, before they are deployed."
    )
    parser.epilog = EPILOG
    add_arguments(parser)
    parser.set_defaults(func=run)


def load_dictionary(spec: str | None, err: TextIO = sys.stderr) -> Any:
    """The bundled dictionary, a file, or an s3:// object, through the function's loader."""
    from ..dictionary_store import check_dictionary_bytes
    from ..limits import DEFAULT_MIN_RATIO_PERCENT
    from ..matcher import load_default

    if spec is None:
        return load_default()
    if spec.startswith("s3://"):
        bucket, _, key = spec[5:].partition("/")
        if not bucket or not key:
            raise _Failure(f"--dictionary {spec}: expected s3://bucket/key")
        import boto3

        try:
            response = boto3.client("s3").get_object(
                Bucket=bucket, Key=key, Range=f"bytes=0-{MAX_DICTIONARY_BYTES}"
            )
            body = bytes(response["Body"].read())
        except Exception as exc:  # botocore's errors, without importing it for local use
            raise _Failure(f"--dictionary {spec}: cannot read it: {exc}") from None
    else:
        try:
            with open(spec, "rb") as handle:
                body = handle.read(MAX_DICTIONARY_BYTES + 1)
        except OSError as exc:
            raise _Failure(f"--dictionary {spec}: cannot read it: {exc.strerror or exc}") from None
    check = check_dictionary_bytes(body, spec, load_default(), DEFAULT_MIN_RATIO_PERCENT)
    for error in check.errors:
        print(f"{spec}:{error.line}: {error.message}: {printable(error.text)}", file=err)
    if check.unusable:
        raise _Failure(f"--dictionary {check.unusable}")
    for refusal in check.refusals:
        print(f"paramguard: warning: the function would refuse it: {refusal}", file=err)
    return check.dictionary


def _where(file: str, line: int | None, column: int | None) -> str:
    where = printable(file)
    if line:
        where += f":{line}"
        if column:
            where += f":{column}"
    return where


def _describe(result: Result) -> str:
    parameter = result.parameter
    name = printable(parameter.name.text) if parameter.name else "(no name)"
    kind = result.parameter_type if result.parameter_type != "unknown" else "type-unknown"
    if result.rule == "plaintext-secret-name":
        because = f"name matches dictionary entry '{printable(result.matched)}'"
        if result.matched_line:
            because += f" (line {result.matched_line})"
        if result.value_matched:
            because += f"; its value is flagged too ({result.value_matched})"
    else:
        because = f"its value is flagged ({printable(result.matched)}); the value is not shown"
    return f"{printable(parameter.address)}: {kind} parameter '{name}': {because}"


def format_text(scan: Scan) -> str:
    """The report for people: one block per finding, then the suppressed ones, then problems."""
    lines: list[str] = []
    for result in scan.findings:
        p = result.parameter
        lines.append(f"{_where(p.file, p.line, p.column)}: {result.level}: {_describe(result)}")
        lines.append(f"    fix: {result.fix}")
        for note in result.notes:
            lines.append(f"    note: {printable(note)}")
    for result in scan.suppressed:
        p = result.parameter
        reason = printable(p.suppression.reason) if p.suppression else ""
        lines.append(
            f"{_where(p.file, p.line, p.column)}: suppressed: {_describe(result)} "
            f"(paramguard:ignore: {reason})"
        )
    for problem in scan.problems:
        lines.append(
            f"{_where(problem.file, problem.line, problem.column)}: error: "
            f"{printable(problem.message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(scan: Scan) -> str:
    """The report for programs (never holds a value)."""
    document = {
        "findings": [r.to_dict() for r in scan.findings],
        "suppressed": [r.to_dict() for r in scan.suppressed],
        "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in scan.problems
        ],
        "summary": summary_counts(scan),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_sarif(scan: Scan, version: str) -> str:
    """The report for code scanning (GitHub's upload-sarif, IDEs)."""
    from ..sarif import Item, Location, Notification, Rule, sarif_log
    from .verdict import RULES

    rules = [
        Rule(
            rule_id,
            rule_id,
            text,
            f"{text}. Make it a SecureString and keep the value out of the code; see docs/iac.md.",
        )
        for rule_id, text in RULES.items()
    ]
    items = []
    for result in scan.results:
        p = result.parameter
        message = _describe(result) + f". Fix: {result.fix}."
        if result.notes:
            message += " Notes: " + "; ".join(printable(n) for n in result.notes) + "."
        items.append(
            Item(
                rule_id=result.rule,
                level=result.level,
                message=message,
                location=Location(_utf8(p.file), p.line, p.column),
                identity=f"{p.file}\0{p.address}\0{p.name.text if p.name else ''}",
                properties={
                    k: v
                    for k, v in result.to_dict().items()
                    if k
                    in (
                        "address",
                        "parameter_name",
                        "parameter_type",
                        "matched",
                        "matched_line",
                        "value_matched",
                    )
                },
                suppression_reason=(
                    p.suppression.reason if result.suppressed and p.suppression else None
                ),
            )
        )
    notifications = [
        Notification(problem.message, Location(_utf8(problem.file), problem.line, problem.column))
        for problem in scan.problems
    ]
    log = sarif_log("paramguard-iac", version, INFORMATION_URI, rules, items, notifications)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _utf8(path: str) -> str:
    """A path that UTF-8 can encode: bytes a file name holds that are not UTF-8 become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def summary_counts(scan: Scan) -> dict[str, int]:
    """The numbers of the summary line."""
    return {
        "files_found": scan.files_seen,
        "files_read": scan.files_read,
        "parameters": len(scan.parameters),
        "findings": len(scan.findings),
        "warnings": sum(r.level == "warning" for r in scan.findings),
        "suppressed": len(scan.suppressed),
        "unreadable": len(scan.problems),
    }


def exit_code(scan: Scan, fail_on: str, errors_first: bool) -> int:
    """0/1/2 from what was found (see the table in docs/iac.md)."""
    return shared_exit_code(
        (r.level for r in scan.findings), len(scan.problems), fail_on, errors_first
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run `iac` with parsed arguments; returns the exit code."""
    try:
        dictionary = load_dictionary(args.dictionary, err)
    except _Failure as exc:
        print(f"paramguard iac: {printable(str(exc))}", file=err)
        return EXIT_ERROR
    try:
        from .scan import scan_paths
    except ImportError as exc:  # installed without the extra: say how to get it
        print(
            f"paramguard iac: needs the iac extra ({exc.name or exc} is not installed): "
            "pip install 'paramguard[iac]' (pipx install '.[iac]' from a checkout)",
            file=err,
        )
        return EXIT_ERROR
    from pathlib import Path

    paths = [Path(p) for p in args.paths]
    scan = scan_paths(
        paths,
        dictionary,
        base=Path.cwd(),
        inspect_values=args.inspect_values,
        exclude=args.exclude,
    )
    if scan.files_seen == 0:
        missing = [p for p in scan.problems]
        for problem in missing:
            print(f"paramguard iac: {printable(problem.file)}: {problem.message}", file=err)
        where = ", ".join(printable(str(p)) for p in paths)
        print(
            "paramguard iac: nothing to scan: no Terraform (.tf, .tf.json, *.tfvars) or "
            f"CloudFormation (.yaml, .yml, .json, .template) files under {where}",
            file=err,
        )
        return EXIT_ERROR
    if args.format == "json":
        report = format_json(scan)
    elif args.format == "sarif":
        report = format_sarif(scan, version())
    else:
        report = format_text(scan)
    if args.output:
        try:
            # A file name that is not UTF-8 is held with surrogates, which UTF-8 cannot write.
            Path(args.output).write_text(report, encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            print(f"paramguard iac: cannot write {args.output}: {exc.strerror or exc}", file=err)
            return EXIT_ERROR
    else:
        out.write(report)
        out.flush()
    counts = summary_counts(scan)
    print(
        f"paramguard iac: {counts['parameters']} parameters in {counts['files_read']} files "
        f"read ({counts['files_found']} found): {counts['findings']} findings "
        f"({counts['warnings']} warnings), {counts['suppressed']} suppressed, "
        f"{counts['unreadable']} unreadable",
        file=err,
    )
    return exit_code(scan, args.fail_on, args.errors_first)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m paramguard.iac`: the same command without the paramguard front door."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(
        prog="paramguard iac",
        description="Find String/StringList SSM parameters whose name (or literal value) holds "
        "a secret, in Terraform and CloudFormation code, before they are deployed.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code else EXIT_CLEAN
    try:
        return run(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FOUND
