"""An honest command line, run as a user runs it: `python -m paramguard` in a subprocess.

Nothing scanned is never clean, findings win over read failures unless told otherwise, every
scan and inventory ends with a summary line, SARIF validates against the 2.1.0 schema. AWS is
moto's server in this process, reached by the child through AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jsonschema  # type: ignore[import-untyped]
import pytest
from paramguard.cli import build_parser

from support.builders import SECRET_VALUE, gz_log, log_document, log_key, put_parameter
from support.moto_server import MotoServer

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "tests" / "data" / "iac" / "sarif-schema-2.1.0.json").read_text())
ACCOUNT = "123456789012"
WHO = f"arn:aws:iam::{ACCOUNT}:user/alice"


@dataclass
class Result:
    """What one run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def summary(self) -> str:
        """The last line on stderr."""
        return self.err.splitlines()[-1] if self.err else ""


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as running:
        yield running


@pytest.fixture
def env(server: MotoServer, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The child's environment: moto's endpoint, fake credentials, this worktree's package."""
    urllib.request.urlopen(  # a clean moto for each test
        urllib.request.Request(f"{server.endpoint}/moto-api/reset", method="POST")
    ).close()
    child = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    child.update(
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        PYTHONPATH=os.pathsep.join([str(REPO / "function"), str(REPO)]),
    )
    yield child


@pytest.fixture
def aws(env: dict[str, str]) -> Iterator[Any]:
    """A boto3 session on moto's server, for the test's own set-up and checks."""
    yield boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def client(aws: Any, env: dict[str, str], service: str, region: str = "us-east-1") -> Any:
    return aws.client(service, region_name=region, endpoint_url=env["AWS_ENDPOINT_URL"])


def paramguard(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    """Run `python -m paramguard ARGS` in a child process."""
    if env is None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "function"), str(REPO)]))
    done = subprocess.run(
        [sys.executable, "-m", "paramguard", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def logs(folder: Path, files: dict[str, bytes]) -> Path:
    for relative, body in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return folder


SECRET_LOG = gz_log([put_parameter("/prod/db/password", "String", event_id="e-1")])
CLEAN_LOG = gz_log([put_parameter("/prod/app/colour", "String")])
# An overwrite that does not say its type: the scan cannot look it up, so it is a warning.
UNKNOWN_TYPE_LOG = gz_log([put_parameter("/prod/api_token", None, overwrite=True)])


# ---- --version and --help --------------------------------------------------------------------


def test_version_comes_from_pyproject() -> None:
    expected = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    result = paramguard("--version")
    assert result.code == 0
    assert result.out.strip() == f"paramguard {expected}"


def test_the_version_falls_back_to_pyproject_when_not_installed() -> None:
    expected = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    script = (
        "import importlib.metadata as m\n"
        "def missing(name):\n"
        "    raise m.PackageNotFoundError(name)\n"
        "m.version = missing\n"
        "import paramguard\n"
        "print(paramguard.version(), paramguard.__version__)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "function"))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == [expected, expected]


@pytest.mark.parametrize("command", ["scan", "inventory", "redrive", "check-dictionary", "iac"])
def test_each_subcommand_has_help_with_examples_and_the_exit_table(command: str) -> None:
    result = paramguard(command, "--help")
    assert result.code == 0, result.err
    assert "examples:" in result.out and f"paramguard {command}" in result.out
    assert "exit status:" in result.out and re.search(r"^\s+2\s", result.out, re.MULTILINE)


def test_every_argument_of_every_subcommand_says_what_it_means() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if action.dest == "help":
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


# ---- scan: nothing scanned is never clean ------------------------------------------------------


def test_an_empty_folder_is_exit_two_saying_what_was_looked_for_and_where(tmp_path: Path) -> None:
    empty = tmp_path / "trail"
    empty.mkdir()
    result = paramguard("scan", str(empty))
    assert result.code == 2 and result.out == ""
    assert f"{empty}: nothing to scan: no CloudTrail log file (*.json or *.json.gz" in result.err
    assert "it is empty" in result.err
    assert "0 log files" in result.summary and "1 failure" in result.summary


def test_a_folder_without_log_files_is_exit_two(tmp_path: Path) -> None:
    folder = logs(tmp_path / "x", {"notes.txt": b"hi", "CloudTrail-Digest/d.json.gz": b"x"})
    result = paramguard("scan", "--format", "sarif", str(folder))
    assert result.code == 2 and result.out == ""  # no report that could pass for a clean one
    assert "only 2 other files" in result.err
    assert "nothing scanned" in result.err


def test_a_folder_with_nothing_beside_one_with_findings(tmp_path: Path) -> None:
    folder = logs(tmp_path / "logs", {"a.json.gz": SECRET_LOG})
    (tmp_path / "empty").mkdir()
    result = paramguard("scan", str(folder), str(tmp_path / "empty"))
    assert result.code == 1  # findings win...
    assert "nothing to scan" in result.err  # ...and the empty folder is still named
    assert paramguard("scan", "--errors-first", str(folder), str(tmp_path / "empty")).code == 2


def test_an_s3_prefix_with_no_objects_is_exit_two(aws: Any, env: dict[str, str]) -> None:
    s3 = client(aws, env, "s3")
    s3.create_bucket(Bucket="trail")
    s3.put_object(Bucket="trail", Key="AWSLogs/readme.txt", Body=b"x")

    typo = paramguard("scan", "s3://trail/AWSLog/", env=env)
    assert typo.code == 2
    assert "s3://trail/AWSLog/: nothing to scan: no object under this prefix" in typo.err

    others = paramguard("scan", "s3://trail/AWSLogs/", env=env)
    assert others.code == 2
    assert "no CloudTrail log file among the 1 objects under this prefix" in others.err


def test_every_scan_ends_with_one_summary_line(tmp_path: Path) -> None:
    folder = logs(tmp_path, {"a/clean.json.gz": CLEAN_LOG, "a/notes.txt": b"x"})
    result = paramguard("scan", str(folder))
    assert result.code == 0 and result.out == ""
    assert re.fullmatch(
        r"paramguard: scan: 1 log file \(0\.0 MB, 1 record\) in \d+\.\d s: 0 findings, "
        r"0 failures, 1 other files skipped",
        result.summary,
    ), result.err


# ---- the exit-code table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "options", "code"),
    [
        ({"c.json.gz": CLEAN_LOG}, [], 0),
        ({"s.json.gz": SECRET_LOG}, [], 1),
        ({"s.json.gz": SECRET_LOG}, ["--fail-on", "never"], 0),
        ({"c.json.gz": CLEAN_LOG, "b.json.gz": b"not gzip"}, [], 2),
        ({"s.json.gz": SECRET_LOG, "b.json.gz": b"not gzip"}, [], 1),
        ({"s.json.gz": SECRET_LOG, "b.json.gz": b"not gzip"}, ["--errors-first"], 2),
        ({"s.json.gz": SECRET_LOG, "b.json.gz": b"not gzip"}, ["--fail-on", "never"], 2),
        ({"u.json.gz": UNKNOWN_TYPE_LOG}, [], 1),
        ({"u.json.gz": UNKNOWN_TYPE_LOG}, ["--fail-on", "error"], 0),
        ({"b.json.gz": b"not gzip"}, [], 2),
    ],
)
def test_scan_exit_code_table(
    tmp_path: Path, files: dict[str, bytes], options: list[str], code: int
) -> None:
    result = paramguard("scan", *options, str(logs(tmp_path, files)))
    assert result.code == code, result.err
    assert "paramguard: scan: " in result.summary


def accepted_by_code_scanning(log: dict[str, Any]) -> None:
    """Valid SARIF 2.1.0, and every artifact URI one GitHub code scanning takes.

    Code scanning rejects the whole upload when an artifact URI has a scheme other than the
    checkout's `file` ("SARIF URI scheme "s3" did not match the checkout URI scheme "file"")
    and checks each URI as a uri-reference.
    """
    jsonschema.validate(log, SCHEMA)
    for result in log["runs"][0]["results"]:
        assert result["locations"], "code scanning shows a result at its first location"
        for location in result["locations"]:
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert uri and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", uri), uri
            assert re.fullmatch(r"[A-Za-z0-9\-._~%!$&'()*+,;=:@/]+", uri), uri


# ---- formats ---------------------------------------------------------------------------------


def test_json_is_an_alias_of_format_json(tmp_path: Path) -> None:
    folder = logs(tmp_path, {"s.json.gz": SECRET_LOG, "u.json.gz": UNKNOWN_TYPE_LOG})
    alias, explicit = (
        paramguard("scan", "--json", str(folder)),
        paramguard("scan", "--format", "json", str(folder)),
    )
    assert alias.code == explicit.code == 1
    assert alias.out == explicit.out
    assert {json.loads(line)["parameter_name"] for line in alias.out.splitlines()} == {
        "/prod/db/password",
        "/prod/api_token",
    }


def test_text_output_has_no_placeholders(tmp_path: Path) -> None:
    record = put_parameter("/prod/db/password", "String")
    del record["sourceIPAddress"], record["eventID"]
    result = paramguard("scan", str(logs(tmp_path, {"s.json": log_document([record])})))
    assert result.code == 1
    assert "?" not in result.out and "[event" not in result.out and " from " not in result.out
    assert "/prod/db/password (String) matched 'password' by " + WHO in result.out


def test_scan_sarif_is_valid_sarif_2_1_0_located_at_the_log_object(
    aws: Any, env: dict[str, str], tmp_path: Path
) -> None:
    s3 = client(aws, env, "s3")
    s3.create_bucket(Bucket="trail")
    key = log_key()
    s3.put_object(Bucket="trail", Key=key, Body=SECRET_LOG)
    local = logs(tmp_path, {"here/u.json.gz": UNKNOWN_TYPE_LOG, "here/b.json.gz": b"x"})

    result = paramguard(
        "scan", "--format", "sarif", "s3://trail/AWSLogs/", "here", env=env, cwd=local
    )

    assert result.code == 1, result.err
    log = json.loads(result.out)
    accepted_by_code_scanning(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "paramguard"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["plaintext-secret-name", "plaintext-secret-value"]
    by_name = {r["properties"]["parameter_name"]: r for r in run["results"]}
    secret, unknown = by_name["/prod/db/password"], by_name["/prod/api_token"]
    assert (secret["ruleId"], secret["level"]) == ("plaintext-secret-name", "error")
    assert unknown["level"] == "warning"  # type unknown: it may be plain text
    s3_location = secret["locations"][0]
    assert s3_location["physicalLocation"]["artifactLocation"]["uri"] == f"s3/trail/{key}"
    assert s3_location["logicalLocations"][0]["fullyQualifiedName"] == f"s3://trail/{key}"
    local_location = unknown["locations"][0]["physicalLocation"]["artifactLocation"]
    assert local_location == {"uri": "here/u.json.gz", "uriBaseId": "%SRCROOT%"}
    assert "password" in secret["message"]["text"] and WHO in secret["message"]["text"]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False  # b.json.gz could not be read
    assert "b.json.gz" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert SECRET_VALUE not in result.out + result.err


def test_output_file(tmp_path: Path) -> None:
    folder = logs(tmp_path / "logs", {"s.json.gz": SECRET_LOG})
    target = tmp_path / "scan.sarif"
    result = paramguard("scan", "--format", "sarif", "-o", str(target), str(folder))
    assert result.code == 1 and result.out == ""
    assert json.loads(target.read_text())["runs"][0]["results"]
    unwritable = paramguard("scan", "-o", str(tmp_path / "no" / "such" / "dir"), str(folder))
    assert unwritable.code == 2 and "cannot write it" in unwritable.err


# ---- inventory -------------------------------------------------------------------------------


@pytest.fixture
def modified_by_alice(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto answers LastModifiedUser "N/A"; AWS answers the ARN of who last changed it."""
    from moto.ssm.models import Parameter

    original = Parameter.describe_response_object

    def described(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = original(self, *args, **kwargs)
        answer["LastModifiedUser"] = WHO
        return answer

    monkeypatch.setattr(Parameter, "describe_response_object", described)


def test_inventory_text_is_columns_without_placeholders(
    aws: Any, env: dict[str, str], modified_by_alice: None
) -> None:
    ssm = client(aws, env, "ssm")
    ssm.put_parameter(Name="/prod/db/password", Value=SECRET_VALUE, Type="String")
    ssm.put_parameter(Name="/prod/api_keys", Value="a,b", Type="StringList")
    ssm.put_parameter(Name="/prod/colour", Value="blue", Type="String")

    result = paramguard("inventory", "--region", "us-east-1", env=env)

    assert result.code == 1, result.err
    header, *rows = result.out.splitlines()
    assert header.split() == [
        "ACCOUNT", "REGION", "NAME", "TYPE", "LAST", "MODIFIED", "MODIFIED", "BY", "MATCHED"
    ]  # fmt: skip
    cells = sorted(row.split() for row in rows)
    assert [c[:4] for c in cells] == [
        [ACCOUNT, "us-east-1", "/prod/api_keys", "StringList"],
        [ACCOUNT, "us-east-1", "/prod/db/password", "String"],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c[4]) for c in cells)
    assert all(c[5] == WHO for c in cells)
    for placeholder in ("?", "N/A", "[event", "None"):
        assert placeholder not in result.out
    # The columns line up: each starts where its header does.
    start = header.index("NAME")
    assert all(row[start:].startswith("/prod/") for row in rows)
    assert re.fullmatch(
        rf"paramguard: inventory: 3 String/StringList parameters in 1 region of account "
        rf"{ACCOUNT} in \d+\.\d s: 2 findings, 0 failures",
        result.summary,
    ), result.err
    assert SECRET_VALUE not in result.out + result.err


def test_inventory_of_a_region_with_no_parameters_is_exit_two(
    aws: Any, env: dict[str, str]
) -> None:
    result = paramguard("inventory", "--region", "eu-north-1", env=env)
    assert result.code == 2 and result.out == ""
    assert "nothing checked: no parameter of any type in eu-north-1 of account" in result.err
    assert "0 String/StringList parameters in 1 region" in result.summary


def test_inventory_of_secure_strings_only_is_clean(aws: Any, env: dict[str, str]) -> None:
    client(aws, env, "ssm").put_parameter(Name="/p/token", Value="v", Type="SecureString")
    result = paramguard("inventory", "--region", "us-east-1", "--region", "eu-north-1", env=env)
    assert result.code == 0, result.err
    assert "0 String/StringList parameters in 2 regions" in result.summary


def test_inventory_sarif_is_located_at_the_parameter_arn(
    aws: Any, env: dict[str, str], tmp_path: Path
) -> None:
    client(aws, env, "ssm", "eu-west-1").put_parameter(
        Name="/prod/db/password", Value=SECRET_VALUE, Type="String"
    )
    target = tmp_path / "inventory.sarif"
    result = paramguard(
        "inventory", "--region", "eu-west-1", "--format", "sarif", "-o", str(target), env=env
    )
    assert result.code == 1, result.err
    log = json.loads(target.read_text())
    accepted_by_code_scanning(log)
    [found] = log["runs"][0]["results"]
    arn = f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/prod/db/password"
    location = found["locations"][0]
    assert location["logicalLocations"][0]["fullyQualifiedName"] == arn
    assert location["physicalLocation"]["artifactLocation"]["uri"] == (
        f"arn/aws/ssm/eu-west-1/{ACCOUNT}/parameter/prod/db/password"
    )
    assert arn in found["message"]["text"]
    assert found["ruleId"] == "plaintext-secret-name" and found["level"] == "error"
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


# ---- redrive -----------------------------------------------------------------------------------


def function_settings(env: dict[str, str]) -> dict[str, str]:
    """The environment with the function's settings, for a redrive without --function."""
    return dict(
        env,
        DICTIONARY_BUCKET="paramguard-dictionary",
        DICTIONARY_KEY="dictionary.txt",
        SNS_TOPIC_ARN=f"arn:aws:sns:us-east-1:{ACCOUNT}:paramguard-findings",
    )


def test_a_rerun_right_after_a_failed_redrive_sees_the_messages_again(
    aws: Any, env: dict[str, str]
) -> None:
    sqs = client(aws, env, "sqs")
    queue_url = sqs.create_queue(
        QueueName="paramguard-failures", Attributes={"VisibilityTimeout": "600"}
    )["QueueUrl"]
    for number in range(3):  # events the function cannot process: each one fails
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"not": number}))
    function_env = function_settings(env)

    first = paramguard("redrive", queue_url, env=function_env)
    second = paramguard("redrive", queue_url, env=function_env)

    assert first.code == second.code == 2
    assert "3 messages, 0 re-processed and deleted, 3 kept" in first.out
    assert "3 messages, 0 re-processed and deleted, 3 kept" in second.out


def receive_counts(sqs: Any, queue_url: str) -> list[int]:
    answer = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
    )
    return [int(m["Attributes"]["ApproximateReceiveCount"]) for m in answer.get("Messages", [])]


def test_redrive_checks_its_configuration_before_receiving_anything(
    aws: Any, env: dict[str, str]
) -> None:
    sqs = client(aws, env, "sqs")
    queue_url = sqs.create_queue(QueueName="paramguard-failures")["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"Records": []}))

    missing_queue = paramguard("redrive", queue_url + "-typo", "--function", "x", env=env)
    missing_function = paramguard("redrive", queue_url, "--function", "no-such-function", env=env)
    no_settings = paramguard("redrive", queue_url, env=env)  # the function's env vars unset

    assert missing_queue.code == 2 and "paramguard-failures-typo" in missing_queue.err
    assert missing_function.code == 2 and "no-such-function" in missing_function.err
    assert no_settings.code == 2 and "DICTIONARY_BUCKET" in no_settings.err
    for run in (missing_queue, missing_function, no_settings):
        assert "Traceback" not in run.err and "messages," not in run.out
    assert receive_counts(sqs, queue_url) == [1]  # nobody but this check received it


# ---- installable as a tool --------------------------------------------------------------------


def test_the_package_ships_every_module_and_the_default_dictionary() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    setuptools = project["tool"]["setuptools"]
    packages = set(setuptools["packages"])
    source = REPO / "function"
    on_disk = {
        ".".join(path.parent.relative_to(source).parts) for path in source.rglob("__init__.py")
    }
    assert on_disk <= packages, on_disk - packages
    assert "default_dictionary.txt" in setuptools["package-data"]["paramguard"]
    assert project["project"]["scripts"]["paramguard"] == "paramguard.cli:main"


def test_the_core_commands_work_without_the_iac_extra(tmp_path: Path) -> None:
    # `pipx install .` has no PyYAML or python-hcl2: only `iac` may need them.
    script = (
        "import sys\n"
        "sys.modules['yaml'] = sys.modules['hcl2'] = None  # import fails, as when absent\n"
        "from paramguard.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "function"), str(REPO)]))

    def bare(*args: str) -> Result:
        done = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env
        )
        return Result(done.returncode, done.stdout, done.stderr)

    assert bare("--version").code == 0
    assert bare("scan", str(logs(tmp_path / "l", {"s.json.gz": SECRET_LOG}))).code == 1
    iac = bare("iac", str(REPO / "docs" / "examples" / "iac" / "before"))
    assert iac.code == 2 and "pip install 'paramguard[iac]'" in iac.err
    assert "Traceback" not in iac.err


# ---- check-dictionary (verified: it already did all of this; now run as a user runs it) -------


def test_check_dictionary_as_a_user_runs_it(aws: Any, env: dict[str, str], tmp_path: Path) -> None:
    default = (REPO / "dictionary" / "dictionary.txt").read_text(encoding="utf-8")
    s3 = client(aws, env, "s3")
    s3.create_bucket(Bucket="dicts")
    padded = default + "".join(f"widget{i}\n" for i in range(2000))
    s3.put_object(Bucket="dicts", Key="in-use.txt", Body=padded.encode())
    s3.put_object(Bucket="dicts", Key="new.txt", Body=default.encode())
    names = tmp_path / "names.txt"
    names.write_text("/prod/widget7\n/prod/db/password\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")

    summary = paramguard("check-dictionary", "s3://dicts/new.txt", env=env)
    assert summary.code == 0 and "the deployed function would accept it" in summary.out
    assert "# line" not in summary.out  # a summary: the listing is behind --verbose
    verbose = paramguard("check-dictionary", "--verbose", "s3://dicts/new.txt", env=env)
    assert verbose.code == 0 and "# line" in verbose.out

    upload = paramguard(
        "check-dictionary",
        "s3://dicts/new.txt",
        "--against",
        "s3://dicts/in-use.txt",
        "--names",
        str(names),
        env=env,
    )
    assert upload.code == 2
    assert "would REFUSE this dictionary" in upload.out and "in use" in upload.out
    assert "no longer flagged: 1" in upload.out and "/prod/widget7" in upload.out

    nothing = paramguard("check-dictionary", str(empty), env=env)
    assert nothing.code == 2 and "is empty (0 bytes): it has no entries" in nothing.out


def test_redrive_does_not_call_a_queue_done_while_another_reader_holds_messages(
    aws: Any, env: dict[str, str]
) -> None:
    sqs = client(aws, env, "sqs")
    queue_url = sqs.create_queue(QueueName="paramguard-failures")["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"Records": []}))
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"Records": []}))
    sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=600)

    result = paramguard("redrive", queue_url, env=function_settings(env))

    assert result.code == 2, result.err
    assert "0 messages, 0 re-processed and deleted, 0 kept, 2 in flight elsewhere" in result.out
    assert "2 more messages are in flight, not received by this run" in result.err
