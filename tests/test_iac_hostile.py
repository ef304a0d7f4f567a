"""paramguard iac on hostile files: bounded time and memory, a clear error, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paramguard.iac.scan import scan_paths
from paramguard.matcher import load_default

from .iac_support import run, write


def test_yaml_alias_bomb_is_read_in_bounded_work(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 10):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        levels.append(f"a{n}: &a{n} [{refs}]")
    text = (
        "Metadata:\n"
        + "".join(f"  {line}\n" for line in levels)
        + "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
        "      Name: /x/api_key\n      Type: String\n      Value: !Join ['', *a9]\n"
    )
    write(tmp_path, {"bomb.yaml": text})
    scan = scan_paths([tmp_path], load_default())
    assert [r.parameter.address for r in scan.findings] == ["P"]


def test_locals_that_double_a_string_do_not_exhaust_memory(tmp_path: Path) -> None:
    chain = ['  l0 = "db_password"'] + [
        f'  l{n} = "${{local.l{n - 1}}}${{local.l{n - 1}}}"' for n in range(1, 60)
    ]
    write(
        tmp_path,
        {
            "main.tf": "locals {\n" + "\n".join(chain) + "\n}\n"
            'resource "aws_ssm_parameter" "p" {\n  name = "/x/${local.l59}"\n'
            '  type = "String"\n  value = local.l59\n}\n'
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert len(scan.parameters) == 1
    name = scan.parameters[0].name
    assert name is not None and not name.complete


def test_local_cycle_and_deep_nesting_are_unknown_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "cycle/main.tf": 'locals {\n  a = "${local.b}/x"\n  b = "${local.a}/y"\n}\n'
            'resource "aws_ssm_parameter" "p" {\n  name = "${local.a}/token"\n'
            '  type = "String"\n  value = "v"\n}\n',
            "deep/main.json": '{"Description": "AWS::SSM::Parameter", "Resources": '
            + "[" * 5000
            + "]" * 5000
            + "}",
            "deep/main.tf": 'resource "aws_ssm_parameter" "q" {\n  name = '
            + "(" * 3000
            + '"x"'
            + ")" * 3000
            + '\n  type = "String"\n  value = "v"\n}\n',
        },
    )
    result = run(capsys, str(tmp_path), "--format", "json")
    assert "Traceback" not in result.err
    report = result.json()
    assert [f["address"] for f in report["findings"]] == ["aws_ssm_parameter.p"]
    problems = {
        p["file"].rsplit("/", 2)[-2] + "/" + p["file"].rsplit("/", 1)[-1]
        for p in report["problems"]
    }
    assert "deep/main.json" in problems
    assert result.code == 1


def test_binary_and_non_utf8_files_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_bytes(b'resource "aws_ssm_parameter" "x" {\n name = "\xff"\n}\n')
    result = run(capsys, str(tmp_path))
    assert result.code == 2
    assert "main.tf" in result.out and "not UTF-8" in result.out


def test_oversized_files_are_named_only_when_they_could_declare_a_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from paramguard.iac import scan

    monkeypatch.setattr(scan, "MAX_FILE_BYTES", 4096)
    filler = '"padding": "' + "x" * (3 * 1024 * 1024) + '"'
    write(
        tmp_path,
        {
            "data/huge.json": "{" + filler + "}",
            "cfn/huge.json": "{" + filler + ', "T": "AWS::SSM::Parameter"}',
            "main.tf": 'resource "aws_ssm_parameter" "p" {\n  name = "/a/api_key"\n'
            '  type = "String"\n  value = "x"\n}\n',
        },
    )
    result = run(capsys, str(tmp_path), "--errors-first")
    assert result.code == 2
    assert "cfn/huge.json: error: larger than" in result.out
    assert "data/huge.json" not in result.out
    assert "aws_ssm_parameter.p" in result.out


def test_parse_errors_never_quote_a_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "Zx9Qw3Er7Ty1Ui5Op2As8Df4"
    write(
        tmp_path,
        {
            "a/main.tf": 'resource "aws_ssm_parameter" "x" {\n  name = "a"\n'
            f'  value = "{secret}\n}}\n',
            "b/main.tf": f'resource "aws_ssm_parameter" "x" {{\n  value = {secret} x\n}}\n',
            # The lexer reads everything after the stray '^' as one token: the secret.
            "c/main.tf": f'resource "aws_ssm_parameter" "x" {{\n  value = "a" ^ {secret}\n}}\n',
            "t.yaml": "Resources:\n  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            f'      Value: "{secret}\n    Name: [\n',
            "t.json": '{"Resources": {"A": {"Type": "AWS::SSM::Parameter", "Properties": '
            f'{{"Value": "{secret}" "x"}}}}}}}}',
        },
    )
    for fmt in ("text", "json", "sarif"):
        result = run(capsys, str(tmp_path), "--format", fmt)
        assert result.code == 2
        assert secret not in result.out + result.err
        assert secret[:6] not in result.out + result.err
    assert run(capsys, str(tmp_path), "--format", "json").json()["summary"]["unreadable"] == 5


def test_a_fifo_with_an_infrastructure_suffix_is_named_not_waited_on(tmp_path: Path) -> None:
    import os

    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_ssm_parameter" "p" {\n  name = "/x/db_password"\n'
            '  type = "String"\n  value = "v"\n}\n'
        },
    )
    os.mkfifo(tmp_path / "pipe.tf")  # opening it for reading would block until a writer came
    os.mkfifo(tmp_path / "pipe.yaml")
    scan = scan_paths([tmp_path], load_default())
    assert [r.parameter.address for r in scan.findings] == ["aws_ssm_parameter.p"]
    assert sorted((p.file.rsplit("/", 1)[-1], p.message) for p in scan.problems) == [
        ("pipe.tf", "not a regular file; not read"),
        ("pipe.yaml", "not a regular file; not read"),
    ]
    named = scan_paths([tmp_path / "pipe.tf"], load_default())
    assert [p.message for p in named.problems] == ["not a regular file or a directory; not read"]


def test_alias_bomb_inside_an_fn_for_each_loop_is_expanded_in_bounded_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    levels = ['a0: &a0 {"k": [x, x, x, x, x, x, x, x, x]}']
    for n in range(1, 10):
        refs = ", ".join(f'"k{i}": *a{n - 1}' for i in range(9))
        levels.append(f"a{n}: &a{n} {{{refs}}}")
    text = (
        "Transform: AWS::LanguageExtensions\nMappings:\n"
        + "".join(f"  {line}\n" for line in levels)
        + "Resources:\n  Fn::ForEach::Loop:\n    - X\n    - [a, b, c]\n    - P${X}:\n"
        "        Type: AWS::SSM::Parameter\n        Properties:\n"
        "          Name: /x/${X}/db_password\n          Type: String\n"
        "          Value: *a9\n          Tags: *a9\n"
    )
    write(tmp_path, {"bomb.yaml": text})
    result = run(capsys, "--format", "json", str(tmp_path))
    assert "Traceback" not in result.err
    names = sorted(f["parameter_name"] for f in result.json()["findings"])
    assert names == ["/x/a/db_password", "/x/b/db_password", "/x/c/db_password"]


def test_a_bug_on_one_file_is_named_and_the_others_are_still_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard.iac import cloudformation, terraform

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("hunter2-SEEDVALUE")  # an exception's text may quote a value

    write(
        tmp_path,
        {
            "bad/main.tf": 'resource "aws_ssm_parameter" "p" {\n  name = "/x/db_password"\n'
            '  type = "String"\n  value = "v"\n}\n',
            "bad.yaml": "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/api_key\n      Type: String\n      Value: v\n",
            "good.json": '{"Resources": {"Q": {"Type": "AWS::SSM::Parameter", "Properties": '
            '{"Name": "/x/client_secret", "Type": "String", "Value": "v"}}}}',
        },
    )
    monkeypatch.setattr(terraform, "module_parameters", broken)
    monkeypatch.setattr(cloudformation, "read_template", broken)
    result = run(capsys, "--format", "json", str(tmp_path))
    assert result.code == 1  # the finding in good.json
    assert "Traceback" not in result.err and "SEEDVALUE" not in result.out + result.err
    report = result.json()
    assert [f["address"] for f in report["findings"]] == ["Q"]
    assert sorted(p["file"].rsplit("/", 1)[-1] for p in report["problems"]) == [
        "bad.yaml",
        "main.tf",
    ]
    assert all("RuntimeError" in p["message"] for p in report["problems"])


def test_broken_files_are_named_without_their_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = "Zq8vLEAKSEED"
    head = 'resource "aws_ssm_parameter" "p" {\n  name = "/x/db_password"\n  type = "String"\n'
    template = "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
    write(
        tmp_path,
        {
            "unterminated.tf": head + f'  value = "{seed}\n}}\n',
            "bare.tf": head + f"  value = {seed} {seed}\n}}\n",
            "heredoc.tf": head + f"  value = <<EOT\n{seed}\n",
            "control.json": '{"Resources": {"P": {"Type": "AWS::SSM::Parameter", '
            f'"Properties": {{"Value": "{seed}\x01"}}}}}}}}',
            "quoted.yaml": template + f'      Value: "{seed}\n',
            "escape.yaml": template + f'      Value: "{seed}\\q"\n',
            "template.tf.json": '{"resource": {"aws_ssm_parameter": {"p": {"name": "/x/a", '
            f'"type": "String", "value": "${{{seed}"}}}}}}}}',
        },
    )
    for output in ("text", "json", "sarif"):
        result = run(capsys, "--format", output, str(tmp_path))
        assert result.code == 2
        assert seed not in result.out + result.err
        assert "Traceback" not in result.err
    assert "control.json:1:" in run(capsys, str(tmp_path)).out
    assert "character at at" not in run(capsys, str(tmp_path)).out


def test_nested_module_fan_out_is_bounded_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard.iac import scan as scan_module

    # Each level multiplies: with the real bounds, 100 keys four levels deep (10^8 instances)
    # stops in seconds; here 10 keys and small bounds make the same shape quick to test.
    monkeypatch.setattr(scan_module, "_MAX_MODULE_INSTANCES", 50)
    monkeypatch.setattr(scan_module, "_MAX_EXPANDED_PARAMETERS", 10_000)
    keys = "{" + ", ".join(f'k{i} = "{i}"' for i in range(10)) + "}"
    level = (
        'variable "p" { default = "x" }\nmodule "m" {\n  source = "./CHILD"\n'
        f"  for_each = {keys}\n"
        '  p = "${var.p}-${each.key}"\n}\n'
    )
    write(
        tmp_path,
        {
            "main.tf": level.replace("CHILD", "l1"),
            "l1/main.tf": level.replace("CHILD", "l2"),
            "l1/l2/main.tf": level.replace("CHILD", "l3"),
            "l1/l2/l3/main.tf": 'variable "p" {}\nresource "aws_ssm_parameter" "x" {\n'
            '  name = "/${var.p}/password"\n  type = "String"\n  value = "v"\n}\n',
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert len(scan.parameters) < 50
    assert [p.message.split(";")[0] for p in scan.problems] == [
        "module calls expand to more than 50 module instances or 10,000 parameters"
    ]


def test_parameter_instances_of_one_module_are_bounded_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard.iac import terraform

    # With the real bound: a 13 KB file, 100 resources over an 8,192-key set built by
    # doubling a local, made 819,200 instances and ran for minutes.
    monkeypatch.setattr(terraform, "MAX_PARAMETERS", 25)
    chain = ['  m0 = ["a"]'] + [
        f"  m{n} = concat(local.m{n - 1}, local.m{n - 1})" for n in (1, 2, 3)
    ]
    resources = "".join(
        f'resource "aws_ssm_parameter" "r{n}" {{\n  for_each = local.keys\n'
        '  name = "/x/${each.key}/password"\n  type = "String"\n  value = "v"\n}\n'
        for n in range(5)
    )
    write(
        tmp_path,
        {
            "main.tf": "locals {\n"
            + "\n".join(chain)
            + '\n  keys = toset([for i, x in local.m3 : "k${i}"])\n}\n'
            + resources
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert len(scan.parameters) == 25
    assert [(p.line, p.message.split(";")[0]) for p in scan.problems] == [
        (26, "more than 25 parameter instances in one module (for_each/count)")
    ]


def test_nested_fn_for_each_loops_are_bounded_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard.iac import cloudformation

    # With the real bound: two nested loops over a 1,000-item list made a million resources
    # and ran for minutes.
    monkeypatch.setattr(cloudformation, "_MAX_RESOURCES", 30)
    items = ",".join(f"i{n}" for n in range(10))
    text = (
        "Transform: AWS::LanguageExtensions\nParameters:\n  L:\n    Type: CommaDelimitedList\n"
        f'    Default: "{items}"\nResources:\n  Fn::ForEach::Outer:\n    - A\n    - !Ref L\n'
        "    - Fn::ForEach::Inner:\n        - B\n        - !Ref L\n        - P${A}${B}:\n"
        "            Type: AWS::SSM::Parameter\n            Properties:\n"
        "              Name: /x/${A}/${B}/password\n              Type: String\n"
        "              Value: v\n"
    )
    write(tmp_path, {"t.yaml": text, "t.json": json.dumps(yaml_to_json(text))})
    scan = scan_paths([tmp_path], load_default())
    assert len(scan.parameters) == 60
    assert sorted((p.file.rsplit("/", 1)[-1], p.message.split(";")[0]) for p in scan.problems) == [
        ("t.json", "Fn::ForEach loops make more than 30 resources (CloudFormation takes 500)"),
        ("t.yaml", "Fn::ForEach loops make more than 30 resources (CloudFormation takes 500)"),
    ]


def yaml_to_json(text: str) -> object:
    """The same template in JSON (short-form tags in their long form)."""
    from paramguard.iac.documents import load_yaml

    return load_yaml(text)[0][0]


def test_nested_for_expressions_are_evaluated_within_a_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard.iac import resolve

    # With the real budgets: 8,192 items inside 8,192 (67 million strings) ran for minutes and
    # now stops in seconds; small budgets show the same on a small file.
    monkeypatch.setattr(resolve, "MAX_EVALUATION_STEPS", 2_000)
    files = {
        "main.tf": "locals {\n"
        '  items = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]\n'
        "  big = [for a in local.items : [for b in local.items :\n"
        '    [for c in local.items : "${a}${b}${c}"]]]\n'
        "}\n"
        'resource "aws_ssm_parameter" "costly" {\n  name = "/${length(local.big)}/password"\n'
        '  type = "String"\n  value = "v"\n}\n'
        'resource "aws_ssm_parameter" "cheap" {\n  name = "/${local.items[0]}/password"\n'
        '  type = "String"\n  value = "v"\n}\n'
    }
    write(tmp_path, files)
    scan = scan_paths([tmp_path], load_default())
    names = {p.address: p.name.text for p in scan.parameters if p.name}
    # One costly expression leaves its own name unresolved, not the other resource's.
    assert names == {
        "aws_ssm_parameter.costly": "/${length(local.big)}/password",
        "aws_ssm_parameter.cheap": "/a/password",
    }
    assert scan.problems == []
    # A module whose instances together spend the module's budget is named.
    monkeypatch.setattr(resolve, "MAX_MODULE_STEPS", 1_500)
    scan = scan_paths([tmp_path], load_default())
    assert [(p.line, p.message.split(";")[0]) for p in scan.problems] == [
        (6, "expressions too costly to evaluate (nested for expressions?)")
    ]
