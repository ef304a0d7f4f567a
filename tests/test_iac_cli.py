"""paramguard iac's command line: exit codes, formats, SARIF schema, dictionary sources."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import boto3
import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from .iac_support import DATA, run, write

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "docs" / "examples" / "iac"
SECRET = (
    'resource "aws_ssm_parameter" "s" {\n  name = "/a/api_key"\n  type = "String"\n'
    '  value = "x"\n}\n'
)
CLEAN = (
    'resource "aws_ssm_parameter" "c" {\n  name = "/a/host"\n  type = "String"\n  value = "x"\n}\n'
)
WARNING = (
    'variable "t" {\n  type = string\n}\n'
    'resource "aws_ssm_parameter" "w" {\n  name = "/a/db_password"\n  type = var.t\n'
    '  value = "x"\n}\n'
)
BROKEN = 'resource "aws_ssm_parameter" "b" {\n  name = "/a/x"\n'


def test_the_documented_example_fails_before_and_passes_after(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = run(capsys, str(EXAMPLES / "before"))
    assert before.code == 1
    assert "aws_ssm_parameter.db_password" in before.out
    assert "/prod/orders/db_password" in before.out
    assert "db_host" not in before.out
    after = run(capsys, str(EXAMPLES / "after"))
    assert after.code == 0 and after.out == ""
    assert "0 findings" in after.err


@pytest.mark.parametrize(
    ("files", "options", "code"),
    [
        ({"c/main.tf": CLEAN}, [], 0),
        ({"s/main.tf": SECRET}, [], 1),
        ({"w/main.tf": WARNING}, [], 1),
        ({"w/main.tf": WARNING}, ["--fail-on", "error"], 0),
        ({"s/main.tf": SECRET}, ["--fail-on", "never"], 0),
        ({"b/main.tf": BROKEN, "c/main.tf": CLEAN}, [], 2),
        ({"b/main.tf": BROKEN, "s/main.tf": SECRET}, [], 1),
        ({"b/main.tf": BROKEN, "s/main.tf": SECRET}, ["--errors-first"], 2),
        ({"b/main.tf": BROKEN, "s/main.tf": SECRET}, ["--fail-on", "never"], 2),
    ],
)
def test_exit_code_table(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    options: list[str],
    code: int,
) -> None:
    write(tmp_path, files)
    assert run(capsys, str(tmp_path), *options).code == code


def test_nothing_to_scan_is_an_error_that_says_what_was_looked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"README.md": "# hi\n", "app.py": "print(1)\n"})
    result = run(capsys, str(tmp_path))
    assert result.code == 2
    assert "nothing to scan" in result.err and ".tf" in result.err and ".yaml" in result.err
    assert str(tmp_path) in result.err
    missing = run(capsys, str(tmp_path / "nope"))
    assert missing.code == 2 and "no such file or directory" in missing.err


def test_files_without_parameters_scan_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'})
    result = run(capsys, str(tmp_path))
    assert result.code == 0 and "0 parameters" in result.err


def test_sarif_output_is_valid_sarif_2_1_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    write(
        tmp_path,
        {
            "s/main.tf": SECRET,
            "w/main.tf": WARNING,
            "b/main.tf": BROKEN,
            "q/main.tf": "# paramguard:ignore reviewed\n" + SECRET,
            "t/template.yaml": "Resources:\n  DbPassword:\n    Type: AWS::SSM::Parameter\n"
            "    Properties:\n      Type: String\n      Value: x\n",
        },
    )
    result = run(capsys, str(tmp_path), "--format", "sarif")
    log = json.loads(result.out)
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert sorted(r["level"] for r in results) == ["error", "error", "error", "warning"]
    assert sum("suppressions" in r for r in results) == 1
    located = results[0]["locations"][0]["physicalLocation"]
    assert located["region"]["startLine"] >= 1
    notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert (
        len(notifications) == 1 and log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    )
    fingerprints = {r["partialFingerprints"]["paramguard/v1"] for r in results}
    assert len(fingerprints) == len(results)


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"s/main.tf": SECRET})
    target = tmp_path / "report.sarif"
    result = run(capsys, str(tmp_path / "s"), "--format", "sarif", "--output", str(target))
    assert result.code == 1 and result.out == ""
    assert json.loads(target.read_text())["runs"][0]["results"]


def test_dictionary_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default = (REPO / "function" / "paramguard" / "default_dictionary.txt").read_text()
    custom = tmp_path / "dictionary.txt"
    custom.write_text(default + "\nhostname\n")
    write(tmp_path, {"tf/main.tf": CLEAN.replace("/a/host", "/a/hostname")})
    assert run(capsys, str(tmp_path / "tf")).code == 0
    assert run(capsys, str(tmp_path / "tf"), "--dictionary", str(custom)).code == 1
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    result = run(capsys, str(tmp_path / "tf"), "--dictionary", str(empty))
    assert result.code == 2 and "no entries" in result.err


def test_dictionary_from_s3(aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default = (REPO / "function" / "paramguard" / "default_dictionary.txt").read_bytes()
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="dictionaries")
    s3.put_object(Bucket="dictionaries", Key="d.txt", Body=default + b"\nhostname\n")
    write(tmp_path, {"main.tf": CLEAN.replace("/a/host", "/a/hostname")})
    assert run(capsys, str(tmp_path), "--dictionary", "s3://dictionaries/d.txt").code == 1
    missing = run(capsys, str(tmp_path), "--dictionary", "s3://dictionaries/none.txt")
    assert missing.code == 2 and "cannot read it" in missing.err


def test_module_entry_point_runs_as_a_subprocess(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": SECRET})
    done = subprocess.run(
        [sys.executable, "-m", "paramguard.iac", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "function"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["findings"][0]["address"] == "aws_ssm_parameter.s"
    assert "1 findings" in done.stderr


def test_hostile_names_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"main.tf": SECRET.replace("/a/api_key", "/a/api_key\\u001b[31m\\u202e")})
    result = run(capsys, str(tmp_path))
    assert result.code == 1
    assert "\x1b" not in result.out and "\u202e" not in result.out
    assert "\\x1b" in result.out


def test_pre_commit_hook_and_action_definitions() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "paramguard-iac")
    assert hook["entry"].split()[:2] == ["paramguard", "iac"]
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for name in (
        "main.tf",
        "x.tf.json",
        "terraform.tfvars",
        "prod.auto.tfvars.json",
        "template.yaml",
        "stack.yml",
        "cdk.out/App.template.json",
        "vpc.template",
    ):
        assert files.search(name), name
    for name in ("main.py", "README.md", "main.tf.bak"):
        assert not files.search(name), name
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    runs = " ".join(s.get("run", "") for s in steps)
    assert "paramguard iac" in runs and "--format sarif" in runs


def test_the_console_example_in_the_docs_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    text = (REPO / "docs" / "iac.md").read_text(encoding="utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0]
    expected: dict[str, list[str]] = {}
    command = ""
    for line in block.splitlines():
        if line.startswith("$ paramguard iac "):
            command = line.removeprefix("$ paramguard iac ")
            expected[command] = []
        elif line.startswith("$ ") or line == "1":
            command = ""
        elif command:
            expected[command].append(line)
    assert len(expected) == 2
    for path, lines in expected.items():
        result = run(capsys, path)
        assert (result.out + result.err).splitlines() == lines


def test_exclude(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"infra/main.tf": CLEAN, "examples/bad/main.tf": SECRET, "x/t.tf": SECRET})
    assert run(capsys, str(tmp_path)).code == 1
    assert run(capsys, str(tmp_path), "--exclude", "examples", "--exclude", "*/x/*").code == 0
    result = run(capsys, str(tmp_path), "--exclude", "*.tf")
    assert result.code == 2 and "nothing to scan" in result.err


def test_dictionary_the_function_would_refuse_is_used_after_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    narrow = tmp_path / "narrow.txt"
    narrow.write_text("hostname\nre:[\n")
    write(tmp_path, {"tf/main.tf": CLEAN.replace("/a/host", "/a/hostname") + SECRET})
    result = run(capsys, str(tmp_path / "tf"), "--dictionary", str(narrow), "--format", "json")
    assert result.code == 1
    assert [f["address"] for f in result.json()["findings"]] == ["aws_ssm_parameter.c"]
    assert "would refuse it" in result.err and "canary" in result.err
    assert f"{narrow}:2:" in result.err  # the invalid line is named


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    directory = os.fsencode(tmp_path) + b"/bad\xffdir"
    os.makedirs(directory)
    with open(directory + b"/ma\xfein.tf", "w", encoding="utf-8") as handle:
        handle.write(
            'resource "aws_ssm_parameter" "p" {\n  name = "/x/db_password"\n'
            '  type = "String"\n  value = "v"\n}\n'
        )
    for output in ("text", "json", "sarif"):
        report = tmp_path / f"report.{output}"
        result = run(capsys, "--format", output, "--output", str(report), str(tmp_path))
        assert result.code == 1, result.err
        assert "Traceback" not in result.err
        text = report.read_text(encoding="utf-8")
        assert "db_password" in text
        if output != "text":
            json.loads(text)
    result = run(capsys, "--format", "sarif", str(tmp_path))
    assert result.code == 1
    assert (
        "%EF%BF%BD"
        in json.loads(result.out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"
        ]["uri"]
    )
