"""paramguard iac on Terraform: resources, resolution rules, suppressions, plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paramguard.iac.scan import scan_paths
from paramguard.matcher import load_default

from .iac_support import fake_aws_key_pair, run, write


def findings(directory: Path) -> dict[str, dict[str, object]]:
    """Unsuppressed findings by address, through the JSON report of the real command."""
    scan = scan_paths([directory], load_default(), base=directory)
    return {r.parameter.address: r.to_dict() for r in scan.findings}


def test_plaintext_secret_name_is_reported_with_place_entry_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_ssm_parameter" "db_password" {\n'
            '  name  = "/prod/db/password"\n'
            '  type  = "String"\n'
            "  value = var.password\n"
            "}\n"
            'resource "aws_ssm_parameter" "db_host" {\n'
            '  name  = "/prod/db/host"\n'
            '  type  = "String"\n'
            '  value = "db.internal"\n'
            "}\n"
            'resource "aws_ssm_parameter" "api_key" {\n'
            '  name  = "/prod/api_key"\n'
            '  type  = "SecureString"\n'
            "  value = var.api_key\n"
            "}\n"
        },
    )
    result = run(capsys, str(tmp_path / "main.tf"), "--format", "json")
    assert result.code == 1
    report = result.json()
    assert [f["address"] for f in report["findings"]] == ["aws_ssm_parameter.db_password"]
    finding = report["findings"][0]
    assert finding["line"] == 1 and finding["column"] == 1
    assert finding["file"].endswith("main.tf")
    assert finding["parameter_name"] == "/prod/db/password"
    assert finding["parameter_type"] == "String" and finding["level"] == "error"
    assert finding["matched"] == load_default().match("/prod/db/password").entry  # type: ignore[union-attr]
    assert 'type = "SecureString"' in finding["fix"]
    assert "3 parameters" in result.err and "1 findings" in result.err


def test_string_list_is_plaintext_too(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.tf": 'resource "aws_ssm_parameter" "t" {\n name = "slack_tokens"\n'
            ' type = "StringList"\n value = "a,b"\n}\n'
        },
    )
    assert findings(tmp_path)["aws_ssm_parameter.t"]["parameter_type"] == "StringList"


def test_variable_default_and_locals_resolve_names(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "variables.tf": 'variable "env" {\n  default = "prod"\n}\n'
            'variable "service" {\n  type = string\n}\n',
            "locals.tf": 'locals {\n  prefix = "/${var.env}/billing"\n'
            '  leaf = "stripe_secret_key"\n}\n',
            "main.tf": 'resource "aws_ssm_parameter" "stripe" {\n'
            '  name  = "${local.prefix}/${local.leaf}"\n  type = "String"\n  value = "x"\n}\n'
            'resource "aws_ssm_parameter" "partial" {\n'
            '  name  = "/${var.service}/db_password"\n  type = "String"\n  value = "x"\n}\n'
            'resource "aws_ssm_parameter" "opaque" {\n'
            '  name  = var.service\n  type = "String"\n  value = "x"\n}\n',
        },
    )
    found = findings(tmp_path)
    assert found["aws_ssm_parameter.stripe"]["parameter_name"] == "/prod/billing/stripe_secret_key"
    assert found["aws_ssm_parameter.stripe"]["name_resolved"] is True
    # An unresolved piece is shown as written and matched on the literal parts around it.
    partial = found["aws_ssm_parameter.partial"]
    assert partial["parameter_name"] == "/${var.service}/db_password"
    assert partial["name_resolved"] is False
    assert "aws_ssm_parameter.opaque" not in found  # nothing literal to match


def test_placeholder_never_joins_words_into_a_match(tmp_path: Path) -> None:
    # "pass" + unknown + "word" must not become "password".
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_ssm_parameter" "p" {\n'
            '  name = "/app/pass${var.x}word_count"\n  type = "String"\n  value = "1"\n}\n'
        },
    )
    assert findings(tmp_path) == {}


def test_tfvars_override_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "variables.tf": 'variable "leaf" {\n  default = "hostname"\n}\n',
            "main.tf": 'resource "aws_ssm_parameter" "p" {\n'
            '  name = "/app/${var.leaf}"\n  type = "String"\n  value = "x"\n}\n',
            "terraform.tfvars": 'leaf = "admin_password"\n',
        },
    )
    assert findings(tmp_path)["aws_ssm_parameter.p"]["parameter_name"] == "/app/admin_password"


def test_for_each_over_a_literal_map_expands_each_parameter(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'locals {\n  params = {\n    db_host = "h"\n    db_password = "p"\n  }\n}\n'
            'resource "aws_ssm_parameter" "app" {\n'
            "  for_each = local.params\n"
            '  name  = "/app/${each.key}"\n  type = "String"\n  value = each.value\n}\n'
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert sorted(p.address for p in scan.parameters) == [
        'aws_ssm_parameter.app["db_host"]',
        'aws_ssm_parameter.app["db_password"]',
    ]
    assert [r.parameter.name.text for r in scan.findings if r.parameter.name] == [
        "/app/db_password"
    ]


def test_count_and_functions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "names" {\n  default = ["host", "token"]\n}\n'
            'resource "aws_ssm_parameter" "p" {\n  count = 2\n'
            '  name  = format("/%s/%s", upper("app"), var.names[count.index])\n'
            '  type  = "String"\n  value = "v"\n}\n'
            'resource "aws_ssm_parameter" "j" {\n'
            '  name  = join("/", ["", "svc", lower("API_KEY")])\n'
            '  type = "String"\n  value = "v"\n}\n'
        },
    )
    found = findings(tmp_path)
    assert found["aws_ssm_parameter.p[1]"]["parameter_name"] == "/APP/token"
    assert "aws_ssm_parameter.p[0]" not in found
    assert found["aws_ssm_parameter.j"]["parameter_name"] == "/svc/api_key"


def test_type_the_code_does_not_fix_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "kind" {\n  type = string\n}\n'
            'resource "aws_ssm_parameter" "p" {\n'
            '  name = "/app/db_password"\n  type = var.kind\n  value = "x"\n}\n'
        },
    )
    result = run(capsys, str(tmp_path), "--format", "json")
    finding = result.json()["findings"][0]
    assert finding["level"] == "warning" and finding["parameter_type"] == "unknown"
    assert any("does not fix" in note for note in finding["notes"])
    assert result.code == 1
    assert run(capsys, str(tmp_path), "--fail-on", "error").code == 0


def test_literal_credential_value_is_a_finding_and_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = fake_aws_key_pair()
    key_id, secret_key = secret.split(":")
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_ssm_parameter" "c" {\n'
            '  name = "/ci/settings"\n  type = "String"\n'
            f'  value = "aws_access_key_id={key_id}\\naws_secret_access_key={secret_key}"\n}}\n'
        },
    )
    for fmt in ("text", "json", "sarif"):
        result = run(capsys, str(tmp_path), "--format", fmt)
        assert result.code == 1
        assert secret_key not in result.out + result.err
        assert key_id not in result.out + result.err
        assert secret_key[:8] not in result.out + result.err
    report = run(capsys, str(tmp_path), "--format", "json").json()
    assert report["findings"][0]["rule"] == "plaintext-secret-value"
    assert report["findings"][0]["matched"].startswith("value:")
    assert run(capsys, str(tmp_path), "--no-value-inspection").code == 0


def test_value_from_a_generated_secret(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "token" {\n  type = string\n  sensitive = true\n}\n'
            'resource "random_password" "db" {\n  length = 32\n}\n'
            'resource "aws_ssm_parameter" "a" {\n  name = "/app/a"\n  type = "String"\n'
            "  value = random_password.db.result\n}\n"
            'resource "aws_ssm_parameter" "b" {\n  name = "/app/b"\n  type = "String"\n'
            '  value = "prefix-${var.token}"\n}\n'
            'resource "aws_ssm_parameter" "c" {\n  name = "/app/c"\n  type = "String"\n'
            "  value = aws_db_instance.main.address\n}\n"
        },
    )
    found = findings(tmp_path)
    assert found["aws_ssm_parameter.a"]["matched"] == (
        "value:secret-reference (random_password.db.result)"
    )
    assert "aws_ssm_parameter.b" not in found  # sensitive says nothing about what it holds
    assert "aws_ssm_parameter.c" not in found


def test_suppression_with_reason_is_reported_as_suppressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "main.tf": "# paramguard:ignore rotated hourly by the broker, reviewed SEC-12\n"
            'resource "aws_ssm_parameter" "a" {\n  name = "/app/api_token"\n  type = "String"\n'
            '  value = "x"\n}\n\n'
            'resource "aws_ssm_parameter" "b" {\n  # paramguard:ignore test fixture only\n'
            '  name = "/app/db_password"\n  type = "String"\n  value = "x"\n}\n'
        },
    )
    result = run(capsys, str(tmp_path), "--format", "json")
    assert result.code == 0
    report = result.json()
    assert report["findings"] == []
    assert {s["address"]: s["suppression_reason"] for s in report["suppressed"]} == {
        "aws_ssm_parameter.a": "rotated hourly by the broker, reviewed SEC-12",
        "aws_ssm_parameter.b": "test fixture only",
    }
    text = run(capsys, str(tmp_path)).out
    assert "suppressed" in text and "reviewed SEC-12" in text


def test_suppression_without_reason_does_not_suppress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "main.tf": "# paramguard:ignore\n"
            'resource "aws_ssm_parameter" "a" {\n  name = "/app/api_token"\n'
            '  type = "String"\n  value = "x"\n}\n'
        },
    )
    result = run(capsys, str(tmp_path), "--format", "json")
    assert result.code == 1
    notes = result.json()["findings"][0]["notes"]
    assert any("has no reason" in note for note in notes)


def test_comment_separated_by_a_blank_line_is_not_on_the_resource(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": "# paramguard:ignore unrelated\n\n"
            'resource "aws_ssm_parameter" "a" {\n  name = "/app/api_token"\n'
            '  type = "String"\n  value = "x"\n}\n'
        },
    )
    assert "aws_ssm_parameter.a" in findings(tmp_path)


def test_terraform_json_syntax(tmp_path: Path) -> None:
    document = {
        "variable": {"env": {"default": "prod"}},
        "resource": {
            "aws_ssm_parameter": {
                "secret": {"name": "/${var.env}/jwt_secret", "type": "String", "value": "x"},
                "ok": {
                    "//": "paramguard:ignore generated by the platform team's tooling",
                    "name": "/${var.env}/private_key",
                    "type": "String",
                    "value": "x",
                },
            }
        },
    }
    write(tmp_path, {"main.tf.json": json.dumps(document, indent=2)})
    scan = scan_paths([tmp_path], load_default())
    assert [r.parameter.name.text for r in scan.findings if r.parameter.name] == [
        "/prod/jwt_secret"
    ]
    assert (scan.findings[0].parameter.line, scan.findings[0].parameter.column) == (9, 7)
    assert [r.parameter.address for r in scan.suppressed] == ["aws_ssm_parameter.ok"]


def test_plan_json_is_fully_resolved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_ssm_parameter.host",
                        "mode": "managed",
                        "type": "aws_ssm_parameter",
                        "name": "host",
                        "values": {"name": "/prod/db/host", "type": "String", "value": "h"},
                    }
                ],
                "child_modules": [
                    {
                        "address": "module.db",
                        "resources": [
                            {
                                "address": "module.db.aws_ssm_parameter.password",
                                "mode": "managed",
                                "type": "aws_ssm_parameter",
                                "name": "password",
                                "values": {"name": "/prod/db/password", "type": "String"},
                            },
                            {
                                "address": "module.db.aws_ssm_parameter.later",
                                "mode": "managed",
                                "type": "aws_ssm_parameter",
                                "name": "later",
                                "values": {"type": "String"},
                            },
                        ],
                    }
                ],
            }
        },
        "resource_changes": [
            {
                "address": "module.db.aws_ssm_parameter.later",
                "change": {"actions": ["create"], "after_unknown": {"name": True}},
            }
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=1))
    result = run(capsys, str(tmp_path / "plan.json"), "--format", "json")
    assert result.code == 1
    assert [f["address"] for f in result.json()["findings"]] == [
        "module.db.aws_ssm_parameter.password"
    ]
    assert result.json()["summary"]["parameters"] == 3


def test_unparseable_file_is_named_and_the_rest_is_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "bad/main.tf": 'resource "aws_ssm_parameter" "x" {\n  name = \n}\n',
            "good/main.tf": 'resource "aws_ssm_parameter" "ok" {\n  name = "/a/host"\n'
            '  type = "String"\n  value = "x"\n}\n',
        },
    )
    result = run(capsys, str(tmp_path))
    assert result.code == 2
    assert "bad/main.tf" in result.out and "not valid HCL" in result.out
    assert "Traceback" not in result.err
    assert "1 unreadable" in result.err and "1 parameters" in result.err
    write(
        tmp_path,
        {
            "good/secret.tf": 'resource "aws_ssm_parameter" "s" {\n'
            '  name = "/a/api_key"\n  type = "String"\n  value = "x"\n}\n'
        },
    )
    assert run(capsys, str(tmp_path)).code == 1  # findings win over an unreadable file
    assert run(capsys, str(tmp_path), "--errors-first").code == 2


def test_named_file_is_resolved_with_its_module_but_only_it_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pre-commit passes only changed files; the sibling variables.tf still resolves names.
    write(
        tmp_path,
        {
            "variables.tf": 'variable "leaf" {\n  default = "db_password"\n}\n',
            "changed.tf": 'resource "aws_ssm_parameter" "a" {\n  name = "/app/${var.leaf}"\n'
            '  type = "String"\n  value = "x"\n}\n',
            "untouched.tf": 'resource "aws_ssm_parameter" "b" {\n  name = "/app/api_token"\n'
            '  type = "String"\n  value = "x"\n}\n',
        },
    )
    result = run(capsys, str(tmp_path / "changed.tf"), "--format", "json")
    assert [(f["address"], f["parameter_name"]) for f in result.json()["findings"]] == [
        ("aws_ssm_parameter.a", "/app/db_password")
    ]
    assert result.json()["summary"]["files_read"] == 1


def test_parallel_scan_gives_the_same_answer(tmp_path: Path) -> None:
    for n in range(20):
        write(
            tmp_path,
            {
                f"m{n}/variables.tf": f'variable "leaf" {{\n  default = "leaf{n}"\n}}\n',
                f"m{n}/main.tf": 'resource "aws_ssm_parameter" "p" {\n'
                f'  name = "/m{n}/${{var.leaf}}/{"password" if n % 3 else "host"}"\n'
                '  type = "String"\n  value = "x"\n}\n',
            },
        )
    one = scan_paths([tmp_path], load_default(), jobs=1)
    two = scan_paths([tmp_path], load_default(), jobs=2)
    assert one.parameters == two.parameters and len(one.parameters) == 20
    assert [r.parameter.address for r in one.findings] == [
        r.parameter.address for r in two.findings
    ]
    assert len(one.findings) == 13


def test_local_module_is_read_with_the_inputs_of_each_call(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "modules/param/variables.tf": 'variable "name" {\n  type = string\n}\n'
            'variable "kind" {\n  type    = string\n  default = "String"\n}\n'
            'variable "value" {\n  type = string\n}\n',
            "modules/param/main.tf": 'resource "aws_ssm_parameter" "this" {\n'
            "  name  = var.name\n  type  = var.kind\n  value = var.value\n}\n",
            "modules/app/main.tf": 'variable "env" {\n  type = string\n}\n'
            'module "token" {\n  source = "../param"\n  name   = "/${var.env}/app/api_token"\n'
            '  value  = "x"\n}\n',
            "main.tf": 'locals {\n  env = "prod"\n}\n'
            'module "db_password" {\n  source = "./modules/param"\n'
            '  name   = "/${local.env}/db/password"\n  value  = "x"\n}\n'
            'module "db_host" {\n  source = "./modules/param"\n  name   = "/prod/db/host"\n'
            '  value  = "x"\n}\n'
            'module "secure" {\n  source = "./modules/param"\n  name   = "/prod/db/secret"\n'
            '  kind   = "SecureString"\n  value  = "x"\n}\n'
            'module "app" {\n  source = "./modules/app"\n  env    = local.env\n}\n'
            'module "remote" {\n  source = "terraform-aws-modules/ssm-parameter/aws"\n'
            '  name   = "/prod/remote/password"\n}\n',
        },
    )
    scan = scan_paths([tmp_path], load_default(), base=tmp_path)
    names = sorted(
        (p.address, p.name.text if p.name else "", p.type.text if p.type else "")
        for p in scan.parameters
    )
    assert names == [
        ("module.app.module.token.aws_ssm_parameter.this", "/prod/app/api_token", "String"),
        ("module.db_host.aws_ssm_parameter.this", "/prod/db/host", "String"),
        ("module.db_password.aws_ssm_parameter.this", "/prod/db/password", "String"),
        ("module.secure.aws_ssm_parameter.this", "/prod/db/secret", "SecureString"),
    ]
    found = {r.parameter.address: r for r in scan.findings}
    assert sorted(found) == [
        "module.app.module.token.aws_ssm_parameter.this",
        "module.db_password.aws_ssm_parameter.this",
    ]
    finding = found["module.db_password.aws_ssm_parameter.this"]
    assert finding.parameter.file == "modules/param/main.tf" and finding.parameter.line == 1
    assert any("inputs from module.db_password (main.tf:4)" in n for n in finding.notes)


def test_module_nobody_calls_is_read_with_its_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "modules/param/main.tf": 'variable "name" {\n  default = "/dev/api_key"\n}\n'
            'resource "aws_ssm_parameter" "this" {\n  name = var.name\n  type = "String"\n'
            '  value = "x"\n}\n'
        },
    )
    assert findings(tmp_path)["aws_ssm_parameter.this"]["parameter_name"] == "/dev/api_key"


def test_suppression_comment_placement(tmp_path: Path) -> None:
    block = (
        'resource "aws_ssm_parameter" "{}" {{\n  name = "/app/{}_token"\n  type = "String"\n'
        '  value = "x"\n}}\n'
    )
    write(
        tmp_path,
        {
            "top.tf": "# paramguard:ignore first block of the file\n# more words\n"
            + block.format("a", "a"),
            "trailing.tf": block.format("b", "b").rstrip("\n")
            + "  # paramguard:ignore this is about b\n"
            + block.format("c", "c"),
            "above.tf": block.format("d", "d")
            + "\n// paramguard:ignore reviewed\n/* another */\n"
            + block.format("e", "e"),
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert sorted(r.parameter.address for r in scan.suppressed) == [
        "aws_ssm_parameter.a",
        "aws_ssm_parameter.e",
    ]
    assert sorted(r.parameter.address for r in scan.findings) == [
        "aws_ssm_parameter.b",
        "aws_ssm_parameter.c",
        "aws_ssm_parameter.d",
    ]


def test_conditions_the_code_does_not_decide_count_both_ways(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "create" {\n  type = bool\n}\n'
            'variable "list" {\n  type = bool\n}\n'
            'resource "aws_ssm_parameter" "p" {\n'
            '  for_each = var.create ? { jwt_secret = "a", region = "b" } : {}\n'
            '  name  = "/app/${each.key}"\n'
            '  type  = var.list ? "StringList" : "String"\n  value = each.value\n}\n'
            'resource "aws_ssm_parameter" "q" {\n  name = "/app/api_key"\n'
            '  type = var.list ? "SecureString" : "String"\n  value = "x"\n}\n'
        },
    )
    found = findings(tmp_path)
    assert sorted(found) == ['aws_ssm_parameter.p["jwt_secret"]', "aws_ssm_parameter.q"]
    assert found['aws_ssm_parameter.p["jwt_secret"]']["level"] == "error"
    assert found["aws_ssm_parameter.q"]["level"] == "warning"


def test_for_expressions_in_for_each(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": "locals {\n"
            '  params = [\n    { name = "db_password", secure = false },\n'
            '    { name = "db_host", secure = false },\n'
            '    { name = "api_key", secure = true },\n  ]\n'
            "}\n"
            'resource "aws_ssm_parameter" "p" {\n'
            "  for_each = { for p in local.params : p.name => p if !p.secure }\n"
            '  name  = "/app/${each.key}"\n  type  = "String"\n  value = "x"\n}\n'
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert sorted(p.address for p in scan.parameters) == [
        'aws_ssm_parameter.p["db_host"]',
        'aws_ssm_parameter.p["db_password"]',
    ]
    assert [r.parameter.address for r in scan.findings] == ['aws_ssm_parameter.p["db_password"]']


def test_blocks_the_scan_does_not_read_still_count_for_syntax_and_comment_placement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "ok/main.tf": "# paramguard:ignore about the bucket\n"
            'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'
            'resource "aws_ssm_parameter" "a" {\n  name = "/x/api_key"\n  type = "String"\n'
            '  value = "v"\n}\n'
            'resource "aws_s3_bucket" "c" {\n  bucket = "x"\n}\n\n'
            "# paramguard:ignore reviewed for d\n"
            'resource "aws_ssm_parameter" "d" {\n  name = "/x/db_password"\n  type = "String"\n'
            '  value = "v"\n}\n',
            "broken/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = = "x"\n}\n'
            'resource "aws_ssm_parameter" "a" {\n  name = "/x/host"\n  type = "String"\n'
            '  value = "v"\n}\n',
        },
    )
    report = run(capsys, str(tmp_path), "--format", "json").json()
    assert [(f["address"], f["line"]) for f in report["findings"]] == [("aws_ssm_parameter.a", 5)]
    assert [(s["address"], s["line"]) for s in report["suppressed"]] == [
        ("aws_ssm_parameter.d", 15)
    ]
    assert [(p["file"].endswith("broken/main.tf"), p["line"]) for p in report["problems"]] == [
        (True, 2)
    ]


def test_count_over_a_list_and_try_with_a_fallback(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
variable "names" { default = ["/a/secret_key", "/a/host"] }
variable "params" {
  default = {
    a = { name = "/x/db_password" }
    b = { name = "/x/api_token", type = "SecureString" }
  }
}
resource "aws_ssm_parameter" "listed" {
  count = length(var.names)
  name  = var.names[count.index]
  type  = "String"
  value = "v"
}
resource "aws_ssm_parameter" "element" {
  count = 2
  name  = element(split(",", "/b/host,/b/client_secret"), count.index + 1)
  type  = "StringList"
  value = "v"
}
resource "aws_ssm_parameter" "fallback" {
  for_each = var.params
  name     = each.value.name
  type     = try(each.value.type, "String")
  value    = "v"
}
resource "aws_ssm_parameter" "unknown_first" {
  name  = "/c/password"
  type  = try(data.external.kind.result.type, "String")
  value = "v"
}
"""
        },
    )
    scan = scan_paths([tmp_path], load_default())
    found = {r.parameter.address: (r.parameter.name.text, r.level) for r in scan.findings}  # type: ignore[union-attr]
    assert found == {
        "aws_ssm_parameter.listed[0]": ("/a/secret_key", "error"),
        "aws_ssm_parameter.element[0]": ("/b/client_secret", "error"),
        'aws_ssm_parameter.fallback["a"]': ("/x/db_password", "error"),
        # a reference Terraform may well resolve: not the fallback, the type stays unknown
        "aws_ssm_parameter.unknown_first": ("/c/password", "warning"),
    }


def test_a_type_chosen_by_can_try_and_conversions_resolves_per_call(tmp_path: Path) -> None:
    # The shape of terraform-aws-modules/ssm-parameter: the module picks the type itself.
    module = """\
variable "name" {}
variable "value" { default = null }
variable "values" { default = [] }
variable "type" { default = null }
variable "secure_type" { default = false }
locals {
  type = var.type != null ? var.type : (
    length(var.values) > 0 ? "StringList" : (
      can(tostring(var.value)) ? (
        try(tobool(var.secure_type) == true, false) ? "SecureString" : "String"
      ) : "StringList"
  ))
}
resource "aws_ssm_parameter" "this" {
  name  = var.name
  type  = local.type
  value = var.value
}
"""
    caller = """\
locals {
  parameters = {
    db_password = { value = "v" }
    api_token   = { secure_type = true, value = "v" }
    jwt_secret  = { values = ["a", "b"] }
    host        = { value = "v" }
  }
}
module "multiple" {
  source      = "./modules/parameter"
  for_each    = local.parameters
  name        = try(each.value.name, each.key)
  value       = try(each.value.value, null)
  values      = try(each.value.values, [])
  type        = try(each.value.type, null)
  secure_type = try(each.value.secure_type, null)
}
"""
    write(tmp_path, {"main.tf": caller, "modules/parameter/main.tf": module})
    scan = scan_paths([tmp_path], load_default())
    types = {p.address: p.type.text for p in scan.parameters if p.type}
    assert types == {
        'module.multiple["db_password"].aws_ssm_parameter.this': "String",
        'module.multiple["api_token"].aws_ssm_parameter.this': "SecureString",
        'module.multiple["jwt_secret"].aws_ssm_parameter.this': "StringList",
        'module.multiple["host"].aws_ssm_parameter.this': "String",
    }
    found = {r.parameter.address: r.level for r in scan.findings}
    assert found == {
        'module.multiple["db_password"].aws_ssm_parameter.this': "error",
        'module.multiple["jwt_secret"].aws_ssm_parameter.this': "error",
    }


def test_terraform_json_interpolations_with_quoted_arguments(tmp_path: Path) -> None:
    # In Terraform JSON an interpolation is written as in HCL: its string arguments are in
    # plain double quotes (JSON-escaped in the file), and the text around it is literal.
    document = {
        "variable": {"env": {"default": "prod"}},
        "locals": {"leaf": '${upper("private_key")}'},
        "resource": {
            "aws_ssm_parameter": {
                "formatted": {
                    "name": '${format("/%s/%s", var.env, "db_password")}',
                    "type": "String",
                    "value": "x",
                },
                "local": {"name": "/${var.env}/${local.leaf}", "type": "String", "value": "x"},
                "quoted": {"name": '/"q"/${lower("API_KEY")}', "type": "String", "value": "x"},
                "escaped": {"name": "/$${var.env}/host", "type": "String", "value": "x"},
            }
        },
    }
    write(tmp_path, {"main.tf.json": json.dumps(document, indent=2)})
    scan = scan_paths([tmp_path], load_default())
    names = {p.address: p.name.text for p in scan.parameters if p.name}
    assert names == {
        "aws_ssm_parameter.formatted": "/prod/db_password",
        "aws_ssm_parameter.local": "/prod/PRIVATE_KEY",
        "aws_ssm_parameter.quoted": '/"q"/api_key',
        "aws_ssm_parameter.escaped": "/${var.env}/host",
    }


def test_plan_saved_as_utf16_by_powershell_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Windows PowerShell 5's `terraform show -json plan > plan.json` writes UTF-16 with a BOM.
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_ssm_parameter.db",
                        "mode": "managed",
                        "type": "aws_ssm_parameter",
                        "name": "db",
                        "values": {"name": "/prod/db_password", "type": "String", "value": "v"},
                    }
                ]
            }
        },
    }
    text = json.dumps(plan, indent=2)
    (tmp_path / "plan.json").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (tmp_path / "main.tf").write_text(
        'resource "aws_ssm_parameter" "p" {\n  name = "/x/api_key"\n  type = "String"\n'
        '  value = "v"\n}\n',
        encoding="utf-16",
    )
    result = run(capsys, "--format", "json", str(tmp_path))
    report = result.json()
    assert sorted(f["address"] for f in report["findings"]) == [
        "aws_ssm_parameter.db",
        "aws_ssm_parameter.p",
    ]
    assert result.code == 1


def test_a_saved_binary_plan_is_named_not_passed_as_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    # What `terraform plan -out=tfplan` writes: a zip of the plan, the states and the config.
    with zipfile.ZipFile(tmp_path / "tfplan", "w", zipfile.ZIP_DEFLATED) as plan:
        plan.writestr("tfplan", b"\x00" * 64)
        plan.writestr("tfstate", "{}")
        plan.writestr(
            "tfconfig/m-/main.tf",
            'resource "aws_ssm_parameter" "p" {\n  name = "/x/db_password"\n  type = "String"\n'
            '  value = "v"\n}\n' * 20,
        )
    result = run(capsys, str(tmp_path / "tfplan"))
    assert result.code == 2
    assert "terraform show -json" in result.out


def test_a_plan_log_stream_is_named_with_what_to_scan_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `terraform plan -json` prints one UI message a line, not the plan document.
    lines = [
        {"@level": "info", "@message": "Terraform 1.11.4", "type": "version"},
        {
            "@level": "info",
            "@message": "aws_ssm_parameter.db: Plan to create",
            "type": "planned_change",
            "change": {"resource": {"addr": "aws_ssm_parameter.db"}, "action": "create"},
        },
    ]
    (tmp_path / "plan.json").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    (tmp_path / "plan.log").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    for name in ("plan.json", "plan.log"):
        result = run(capsys, str(tmp_path / name))
        assert result.code == 2
        assert "`terraform plan -json` log, not a plan" in result.out


def test_optional_attribute_defaults_of_a_variable_type_apply(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
variable "parameters" {
  type = map(object({
    name  = string
    type  = optional(string, "SecureString")
    tier  = optional(string)
  }))
  default = {
    db   = { name = "/x/db_password" }
    api  = { name = "/x/api_key", type = "String" }
    null = { name = "/x/jwt_secret", type = null }
  }
}
variable "listed" {
  type    = list(object({ name = string, kind = optional(string, "StringList") }))
  default = [{ name = "/y/client_secret" }]
}
resource "aws_ssm_parameter" "map" {
  for_each = var.parameters
  name     = each.value.name
  type     = each.value.type
  value    = "v"
}
resource "aws_ssm_parameter" "list" {
  name  = var.listed[0].name
  type  = var.listed[0].kind
  value = "v"
}
"""
        },
    )
    scan = scan_paths([tmp_path], load_default())
    types = {p.address: p.type.text for p in scan.parameters if p.type}
    assert types == {
        'aws_ssm_parameter.map["db"]': "SecureString",
        'aws_ssm_parameter.map["api"]': "String",
        'aws_ssm_parameter.map["null"]': "SecureString",  # null takes the default too
        "aws_ssm_parameter.list": "StringList",
    }
    assert sorted(r.parameter.address for r in scan.findings) == [
        "aws_ssm_parameter.list",
        'aws_ssm_parameter.map["api"]',
    ]


def test_a_name_chosen_by_a_condition_the_code_does_not_decide_is_matched_both_ways(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "legacy" {}\n'
            'resource "aws_ssm_parameter" "either" {\n'
            '  name  = var.legacy ? "/app/host" : "/app/db_password"\n'
            '  type  = "String"\n  value = "v"\n}\n'
            'resource "aws_ssm_parameter" "neither" {\n'
            '  name  = var.legacy ? "/app/host" : "/app/port"\n'
            '  type  = "String"\n  value = "v"\n}\n',
            "template.yaml": "Conditions:\n  Legacy: !Equals [!Ref AWS::Region, us-east-1]\n"
            "Resources:\n  Either:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: !If [Legacy, /app/api_key, /app/host]\n      Type: String\n"
            "      Value: v\n",
        },
    )
    scan = scan_paths([tmp_path], load_default())
    found = {r.parameter.address: r.matched for r in scan.findings}
    assert found == {"aws_ssm_parameter.either": "password", "Either": "api key"}
    assert all("each is matched" in " ".join(r.notes) for r in scan.findings)
