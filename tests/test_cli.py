"""The `paramguard` command line: output formats and exit codes."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from paramguard.cli import main

from support.builders import SECRET_VALUE, gz_log, log_document, log_key, put_parameter

REQUIRED_FIELDS = {
    "parameter_name",
    "parameter_type",
    "matched",
    "event_id",
    "event_time",
    "account_id",
    "region",
    "actor",
    "source_ip",
    "source",
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(args, out=out)
    return code, out.getvalue(), capsys.readouterr().err


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """A folder of CloudTrail logs as `aws s3 sync` would leave them."""
    first = tmp_path / log_key()
    first.parent.mkdir(parents=True)
    first.write_bytes(
        gz_log([put_parameter("/prod/db/password", "String", event_id="e-1"), {"x": 1}])
    )
    second = tmp_path / "plain" / "copy.json"
    second.parent.mkdir()
    second.write_bytes(log_document([put_parameter("/prod/stripe/API_KEY", "StringList")]))
    clean = tmp_path / "plain" / "clean.json.gz"
    clean.write_bytes(gz_log([put_parameter("/prod/app/colour", "String")]))
    digest = tmp_path / "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/d.json.gz"
    digest.parent.mkdir(parents=True)
    digest.write_bytes(gzip.compress(b'{"logFiles": []}'))
    (tmp_path / "notes.txt").write_text("not a log")
    return tmp_path


def test_scan_folder_prints_one_line_per_finding(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["scan", str(logs)], capsys)

    assert code == 1, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert any("/prod/db/password (String) matched 'password'" in line for line in lines)
    assert any("/prod/stripe/API_KEY (StringList)" in line for line in lines)
    assert SECRET_VALUE not in out + err


def test_scan_json_lines_have_the_documented_fields(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["scan", "--json", str(logs)], capsys)

    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and all(REQUIRED_FIELDS <= row.keys() for row in rows)
    first = next(row for row in rows if row["event_id"] == "e-1")
    assert first["account_id"] == "123456789012" and first["region"] == "us-east-1"
    assert first["source"].endswith(".json.gz")


def test_clean_file_exits_zero(logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scan", str(logs / "plain" / "clean.json.gz")], capsys)
    assert (code, out) == (0, "")


def test_unreadable_source_is_named_after_scanning_the_rest(
    logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = logs / "plain" / "broken.json.gz"
    broken.write_bytes(b"not gzip")

    code, out, err = run(["scan", str(logs), str(logs / "missing.json")], capsys)

    assert code == 1  # findings win over read failures...
    assert len(out.splitlines()) == 2  # the findings are still printed
    assert run(["scan", "--errors-first", str(logs), str(logs / "missing.json")], capsys)[0] == 2
    assert "broken.json.gz: not a valid gzip stream" in err
    assert "missing.json: no such file or directory" in err
    assert "Traceback" not in err


def test_custom_dictionary_file(logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    custom = logs / "my-dictionary.txt"
    custom.write_text("# only colours\ncolour\n")

    code, out, _ = run(["scan", "--dictionary", str(custom), str(logs)], capsys)

    assert code == 1 and "/prod/app/colour" in out and "password" not in out


@pytest.mark.parametrize(
    "args",
    [[], ["scan"], ["frobnicate"], ["scan", "--dictionary", "/nonexistent", "x"]],
)
def test_usage_errors_exit_two(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    assert code == 2 and err
    assert "Traceback" not in err


def test_scan_s3_prefix(aws: None, logs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="org-trail")
    key = log_key(org="o-abcdefghij")
    s3.put_object(Bucket="org-trail", Key=key, Body=gz_log([put_parameter("/x/token", "String")]))
    s3.put_object(Bucket="org-trail", Key="AWSLogs/o-abcdefghij/readme", Body=b"x")

    code, out, err = run(["scan", "--json", "s3://org-trail/AWSLogs/"], capsys)

    assert code == 1, err
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["source"] == f"s3://org-trail/{key}"


def test_local_scan_does_not_import_boto3(logs: Path) -> None:
    script = (
        "import sys\n"
        "from paramguard.cli import main\n"
        f"code = main(['scan', {str(logs)!r}], out=open('/dev/null', 'w'))\n"
        "print(code, 'boto3' in sys.modules, 'botocore' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["1", "False", "False"]


def test_console_script_is_installed(logs: Path) -> None:
    exe = Path(sys.executable).parent / "paramguard"
    result = subprocess.run([str(exe), "scan", str(logs)], capture_output=True, text=True)
    assert result.returncode == 1 and "/prod/db/password" in result.stdout


def test_inventory_reports_existing_plaintext_parameters(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    ssm = boto3.client("ssm", region_name="us-east-1")
    for index in range(60):  # more than one page of DescribeParameters
        ssm.put_parameter(Name=f"/bulk/setting{index}", Value="v", Type="String")
    ssm.put_parameter(Name="/prod/db/password", Value=SECRET_VALUE, Type="String")
    ssm.put_parameter(Name="/prod/hosts", Value="a,b", Type="StringList")
    ssm.put_parameter(Name="/prod/api_keys", Value="a,b", Type="StringList")
    ssm.put_parameter(Name="/prod/token", Value=SECRET_VALUE, Type="SecureString")
    boto3.client("ssm", region_name="eu-west-1").put_parameter(
        Name="/eu/client_secret", Value="v", Type="String"
    )

    code, out, err = run(["inventory", "--json", "--region", "us-east-1"], capsys)

    assert code == 1, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["parameter_name"] for r in rows) == ["/prod/api_keys", "/prod/db/password"]
    assert all(REQUIRED_FIELDS <= r.keys() and r["region"] == "us-east-1" for r in rows)
    assert "us-east-1: 63 String/StringList parameters, 2 findings" in err
    assert SECRET_VALUE not in out + err

    code, out, _ = run(["inventory", "--region", "us-east-1", "--region", "eu-west-1"], capsys)
    assert code == 1
    assert any(
        line.split()[1:4] == ["eu-west-1", "/eu/client_secret", "String"]
        for line in out.splitlines()
    )


def test_inventory_inspect_values_reports_secrets_whatever_the_name(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_value_inspection import BENIGN, github_token

    token = github_token()
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/integrations/acme-prod", Value=token, Type="String")
    ssm.put_parameter(Name="/integrations/acme-url", Value=BENIGN, Type="String")
    ssm.put_parameter(Name="/prod/db/password", Value=BENIGN, Type="String")
    ssm.put_parameter(Name="/vault/acme", Value=token, Type="SecureString")
    reads: list[str] = []

    code, out, err = run(["inventory", "--json", "--region", "us-east-1"], capsys)
    assert code == 1 and "/integrations/acme-prod" not in out  # names only without the flag

    from support.iam_policy import record_api_calls

    with record_api_calls() as calls:
        code, out, err = run(
            ["inventory", "--json", "--inspect-values", "--region", "us-east-1"], capsys
        )
    reads = [p["Name"] for s, o, p in calls if o == "GetParameter"]

    assert code == 1, err
    rows = {r["parameter_name"]: r for r in map(json.loads, out.splitlines())}
    assert set(rows) == {"/integrations/acme-prod", "/prod/db/password"}
    assert rows["/integrations/acme-prod"]["matched"] == "value:github-token"
    assert rows["/prod/db/password"]["matched"] == "password"
    assert sorted(reads) == [
        "/integrations/acme-prod:1",
        "/integrations/acme-url:1",
        "/prod/db/password:1",
    ]  # the SecureString is never read
    assert all(p.get("WithDecryption") is False for s, o, p in calls if o == "GetParameter")
    assert "3 String/StringList parameters, 2 findings, 0 values not inspected" in err
    assert token not in out + err
    code, text_out, _ = run(["inventory", "--inspect-values", "--region", "us-east-1"], capsys)
    assert "value:github-token" in text_out and token not in text_out


def test_scan_help_says_it_cannot_inspect_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--help"]) == 0
    assert "cannot inspect values" in " ".join(capsys.readouterr().out.split())


def test_inventory_clean_account_exits_zero(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("ssm").put_parameter(Name="/app/colour", Value="v", Type="String")
    assert run(["inventory"], capsys)[0] == 0


def test_redrive_of_a_missing_queue_is_a_clear_error(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["redrive", "https://sqs.us-east-1.amazonaws.com/123456789012/no-such-queue"], capsys
    )
    assert code == 2 and "no-such-queue" in err and "Traceback" not in err


def test_an_overwrite_as_securestring_is_not_shown_as_a_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GetParameterHistory still returns the String version: nothing was fixed.
    overwrite = put_parameter("/prod/db/password", "SecureString", event_id="e-2", overwrite=True)
    overwrite["eventTime"] = "2026-11-20T12:00:00Z"
    log = tmp_path / "a.json"
    log.write_bytes(log_document([put_parameter("/prod/db/password", "String"), overwrite]))

    code, out, _ = run(["scan", "--format", "json", str(log)], capsys)
    [found] = map(json.loads, out.splitlines())
    assert code == 1 and found["resolved_by"]["how"] == "secured"
    assert found["resolved_by"]["resolved"] is False

    code, out, _ = run(["scan", str(log)], capsys)
    [line] = [line for line in out.splitlines() if "/prod/db/password" in line]
    assert line.endswith(
        "; overwritten as SecureString later by arn:aws:iam::123456789012:user/alice at "
        "2026-11-20T12:00:00Z; earlier versions still hold the value in plain text"
    )


def test_a_finding_fixed_later_is_still_reported_and_says_what_fixed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import jsonschema  # type: ignore[import-untyped]

    from support.builders import delete_parameter

    # The write in one file, the fix in a later one, a second parameter never fixed, and a
    # delete from before its write (which fixes nothing: the write exposed it again).
    first, later = tmp_path / "a.json", tmp_path / "b.json.gz"
    first.write_bytes(
        log_document(
            [
                delete_parameter("/prod/api/token", when="2026-11-20T09:00:00Z"),
                put_parameter("/prod/db/password", "String", event_id="e-1"),
                put_parameter("/prod/api/token", "String", event_id="e-2"),
            ]
        )
    )
    later.write_bytes(gz_log([delete_parameter("/prod/db/password", event_id="del-1")]))

    code, out, _ = run(["scan", "--format", "json", str(tmp_path)], capsys)
    assert code == 1
    found = {f["parameter_name"]: f for f in map(json.loads, out.splitlines())}
    assert found["/prod/db/password"]["resolved_by"] == {
        "how": "deleted",
        "operation": "DeleteParameter",
        "actor": "arn:aws:iam::123456789012:user/bob",
        "event_id": "del-1",
        "event_time": "2026-11-20T11:15:30Z",
        "source": str(later),
        "resolved": True,
    }
    assert found["/prod/api/token"]["resolved_by"] is None

    code, out, _ = run(["scan", str(tmp_path)], capsys)
    [fixed] = [line for line in out.splitlines() if "/prod/db/password" in line]
    assert fixed.endswith(
        "; later deleted by arn:aws:iam::123456789012:user/bob at 2026-11-20T11:15:30Z"
    )

    code, out, _ = run(["scan", "--format", "sarif", str(tmp_path)], capsys)
    log = json.loads(out)
    schema = Path(__file__).parent / "data" / "iac" / "sarif-schema-2.1.0.json"
    jsonschema.validate(log, json.loads(schema.read_text()))
    props = {r["properties"]["parameter_name"]: r["properties"] for r in log["runs"][0]["results"]}
    assert props["/prod/db/password"]["resolved_by"]["event_id"] == "del-1"
    assert "resolved_by" not in props["/prod/api/token"]
