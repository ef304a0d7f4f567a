"""Terraform through python-terraform, and working copies of the root module to run it in."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .awsutil import patched_environ
from .paths import REPO_ROOT

DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"
TFSCHEMA_CHECK = REPO_ROOT.parent / "shared" / "tools" / "tfschema" / "tfschema-check"
# What the module needs besides its *.tf files: the function source, the dictionary, the
# packaging script that Terraform runs, the local modules and the dashboard template (older
# commits lack some).
MODULE_DIRS = ("function", "dictionary", "scripts", "modules", "templates")
# The documented local recipe: the provider block that points every service at an emulator.
LOCAL_PROVIDER = REPO_ROOT / "examples" / "local" / "provider.tf"


def _local_provider_block() -> str:
    """examples/local's `provider "aws"` block, as committed (comments before it dropped)."""
    text = LOCAL_PROVIDER.read_text()
    match = re.search(r'^provider "aws" \{\n.*?^\}\n', text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise RuntimeError(f'{LOCAL_PROVIDER}: no provider "aws" block')
    return match.group(0)


# Every service the module (or the provider) talks to: the endpoints examples/local sets.
ENDPOINT_SERVICES = tuple(
    re.findall(r"^\s+(\w+)\s+= var\.endpoint$", _local_provider_block(), re.MULTILINE)
)


def plugin_dir() -> Path:
    """The local provider mirror (PARAMGUARD_TF_PLUGIN_DIR overrides /opt/tf-plugins)."""
    return Path(os.environ.get("PARAMGUARD_TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR))


def terraform_unavailable() -> str | None:
    """Why Terraform tests cannot run here, or None when they can."""
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    if not plugin_dir().is_dir():
        return (
            f"provider mirror {plugin_dir()} is missing (set PARAMGUARD_TF_PLUGIN_DIR to a "
            "directory holding registry.terraform.io/hashicorp/aws)"
        )
    return None


def terraform_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a terraform subprocess: no CLI config, automation mode."""
    env = dict(os.environ)
    env.update({"TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"})
    env.pop("TF_LOG", None)
    if extra:
        env.update(extra)
    return env


class TerraformError(RuntimeError):
    """A terraform command failed; the message holds its output."""


class Tf:
    """Terraform in one working directory, driven through python-terraform."""

    def __init__(self, workdir: Path, env: Mapping[str, str] | None = None) -> None:
        from python_terraform import Terraform

        self.workdir = workdir
        self.env = terraform_env(env)
        self._tf = Terraform(working_dir=str(workdir))

    def run(self, command: str, *args: str, check: bool = True, **options: Any) -> tuple[int, str]:
        """Run `terraform <command>`; return (exit code, stdout + stderr)."""
        code, out, err = self._call(command, *args, no_color=_flag(), **options)
        text = f"{out}{err}"
        if check and code != 0:
            raise TerraformError(f"terraform {command} failed ({code}):\n{text[-6000:]}")
        return code, text

    def _call(self, command: str, *args: str, **options: Any) -> tuple[int, str, str]:
        """The one place terraform runs: python-terraform, in this working copy's environment."""
        with patched_environ(self.env):
            code, out, err = self._tf.cmd(command, *args, **options)
        return int(code), out or "", err or ""

    def init(self, *, backend: bool = True) -> str:
        """terraform init, from the local provider mirror when there is one."""
        options: dict[str, Any] = {"input": False}
        if plugin_dir().is_dir():
            options["plugin_dir"] = str(plugin_dir())
        if not backend:
            options["backend"] = False
        return self.run("init", **options)[1]

    def apply(self, variables: Mapping[str, Any]) -> str:
        """terraform apply -auto-approve."""
        return self.run("apply", input=False, auto_approve=_flag(), var=dict(variables) or None)[1]

    def plan_exit_code(self, variables: Mapping[str, Any]) -> tuple[int, str]:
        """terraform plan -detailed-exitcode: 0 no changes, 2 changes (1 is an error)."""
        code, text = self.run(
            "plan",
            check=False,
            input=False,
            detailed_exitcode=_flag(),
            var=dict(variables) or None,
        )
        if code not in (0, 2):
            raise TerraformError(f"terraform plan failed ({code}):\n{text[-6000:]}")
        return code, text

    def destroy(self, variables: Mapping[str, Any]) -> str:
        """terraform destroy -auto-approve."""
        return self.run("destroy", input=False, auto_approve=_flag(), var=dict(variables) or None)[
            1
        ]

    def show_json(self) -> dict[str, Any]:
        """`terraform show -json` of the current state."""
        text = self._stdout("show", "-json")
        data: dict[str, Any] = json.loads(text)
        return data

    def outputs(self) -> dict[str, Any]:
        """The root module's outputs as plain values."""
        raw: dict[str, Any] = json.loads(self._stdout("output", "-json"))
        return {name: item["value"] for name, item in raw.items()}

    def _stdout(self, *args: str) -> str:
        code, out, err = self._call(*args)
        if code != 0:
            raise TerraformError(f"terraform {' '.join(args)} failed:\n{err[-6000:]}")
        return out


def _flag() -> Any:
    from python_terraform import IsFlagged

    return IsFlagged


def copy_module(dest: Path, source: Path = REPO_ROOT) -> Path:
    """Copy the root module (*.tf, function/, dictionary/, scripts/) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for tf_file in sorted(source.glob("*.tf")):
        if not tf_file.name.endswith("override.tf"):
            shutil.copy2(tf_file, dest / tf_file.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for name in MODULE_DIRS:
        if (source / name).is_dir():
            # symlinks=True keeps function/paramguard/default_dictionary.txt a relative link.
            shutil.copytree(source / name, dest / name, symlinks=True, ignore=ignore)
    return dest


def module_at_commit(commit: str, dest: Path, source: Path = REPO_ROOT) -> bool:
    """Extract the root module as it was at a commit into dest; False if git lacks the commit."""
    probe = subprocess.run(
        ["git", "-C", str(source), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        return False
    listing = subprocess.run(
        ["git", "-C", str(source), "ls-tree", "--name-only", commit],
        capture_output=True,
        text=True,
        check=True,
    )
    names = listing.stdout.split()
    tf_files = [name for name in names if name.endswith(".tf")]
    dirs = [name for name in MODULE_DIRS if name in names]
    archive = subprocess.run(
        ["git", "-C", str(source), "archive", "--format=tar", commit, *tf_files, *dirs],
        capture_output=True,
        check=True,
    )
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return True


def upgrade_module(dest: Path, source: Path = REPO_ROOT) -> None:
    """Replace the module files in dest (keeping its state and overrides) with source's."""
    for tf_file in dest.glob("*.tf"):
        if not tf_file.name.endswith("override.tf"):
            tf_file.unlink()
    for name in MODULE_DIRS:
        shutil.rmtree(dest / name, ignore_errors=True)
    copy_module(dest, source)


def moto_override(endpoint: str, region: str) -> str:
    """A provider override that points every service at moto: examples/local's provider."""
    block = _local_provider_block()
    block = block.replace("var.endpoint", json.dumps(endpoint)).replace(
        "var.region", json.dumps(region)
    )
    if "var." in block:
        raise RuntimeError(
            f"{LOCAL_PROVIDER}: the provider block uses a variable besides endpoint/region"
        )
    return (
        "# Test-only: generated by support/terraform.py from examples/local/provider.tf, never\n"
        "# committed (*_override.tf).\n" + block
    )
