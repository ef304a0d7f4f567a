"""What `paramguard scan` of a local file imports: only what the scan needs (issue 16, part 4).

Start-up time is measured by `make bench` (bench/startup.py); these tests check the import
graph instead, so that a heavy top-level import added anywhere on the scan's path fails here
rather than as a slower command line nobody notices.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from support.builders import gz_log, put_parameter

REPO = Path(__file__).resolve().parent.parent

# Never needed to scan a local file in text or JSON: AWS SDK, SARIF, the other commands,
# the function's AWS shell, and the stdlib modules that cost the most to import.
HEAVY = (
    "boto3",
    "botocore",
    "paramguard.sarif",
    "paramguard.handler",
    "paramguard.securityhub",
    "paramguard.inventory",
    "paramguard.inspection",
    "paramguard.values",
    "paramguard.redrive",
    "paramguard.iac.verdict",
    "paramguard.iac.scan",
    "hcl2",
    "yaml",
    "jsonschema",
    "importlib.metadata",
    "importlib.resources",
    "concurrent.futures",
    "multiprocessing",
    "email",
    "pathlib",
)


def loaded_by(argv: list[str]) -> tuple[int, set[str]]:
    """Run the command line in a fresh interpreter; its exit code and every module loaded."""
    script = (
        "import io, json, sys\n"
        "from paramguard.cli import main\n"
        f"code = main({argv!r}, out=io.StringIO())\n"
        "print(json.dumps([code, sorted(sys.modules)]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "function"))
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    )
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return code, set(modules)


def interpreter_modules() -> set[str]:
    """What a bare interpreter of this environment has loaded (site, .pth files)."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout))


def heavy(modules: set[str]) -> list[str]:
    """The HEAVY modules (or their submodules) among modules."""
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.fixture
def quiet_log(tmp_path: Path) -> Path:
    """A small log file without any PutParameter (the common case)."""
    records = [{"eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances"}] * 50
    path = tmp_path / "quiet.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": records}).encode(), mtime=0))
    return path


def test_a_local_scan_of_a_quiet_log_imports_nothing_heavy(quiet_log: Path) -> None:
    code, modules = loaded_by(["scan", "-j", "1", str(quiet_log)])
    assert code == 0
    assert heavy(modules) == []
    assert "paramguard.aws_io" not in modules  # only a candidate needs its resolution
    # Nor the dictionary: the bundled one is loaded when a name is first matched; nor the
    # notification code, nor typing (annotations are for mypy), unless the interpreter
    # itself loads it at start-up here.
    assert not {"paramguard.matcher", "paramguard.report"} & modules
    assert "typing" not in modules - interpreter_modules()
    # The scan path's value classes are paramguard.plain's: importing dataclasses (and
    # inspect, ast, dis, tokenize with it) cost a fifth of the start-up.
    assert not {"dataclasses", "inspect"} & (modules - interpreter_modules())
    # Nor the other commands' options (the iac command's module), nor threading (a lock is
    # all a scan without a process pool needs).
    assert not {"paramguard.iac.cli", "threading"} & (modules - interpreter_modules())


def test_a_local_scan_loads_the_bundled_dictionary_for_its_first_candidate(tmp_path: Path) -> None:
    # The same scan with a PutParameter of a flagged name: the lazy dictionary is loaded and
    # flags it.
    for n in range(3):
        records = [put_parameter(f"/prod/app{n}/db/password", "String")]
        (tmp_path / f"log{n}.json.gz").write_bytes(gz_log(records))
    for jobs in ("1", "2"):
        code, modules = loaded_by(["scan", "-j", jobs, "--format", "json", str(tmp_path)])
        assert code == 1 and "paramguard.matcher" in modules


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_local_scan_with_findings_imports_no_aws_sdk_nor_sarif(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "found.json.gz"
    path.write_bytes(gz_log([put_parameter("/prod/db/password", "String")]))
    code, modules = loaded_by(["scan", "--format", fmt, str(path)])
    assert code == 1
    assert heavy(modules) == []
    # Findings are resolved and marked without the function's AWS shell.
    assert not {"paramguard.aws_io", "paramguard.export"} & modules


def test_the_probe_sees_an_import_when_a_command_needs_it(quiet_log: Path) -> None:
    # The same probe, on an option that does need SARIF and the version: it must notice.
    code, modules = loaded_by(["scan", "--format", "sarif", str(quiet_log)])
    assert code == 0
    assert {"paramguard.sarif", "importlib.metadata"} <= modules


def test_the_lazy_bundled_dictionary_is_the_default_wherever_it_goes() -> None:
    # A -j worker receives it pickled: it must arrive as the loaded default itself.
    from paramguard.cli import BundledDictionary
    from paramguard.matcher import load_default

    lazy = BundledDictionary()
    assert pickle.loads(pickle.dumps(lazy)) == load_default()
    assert len(lazy) == len(load_default()) and lazy.entries == load_default().entries
    assert lazy.match("/prod/db/password") == load_default().match("/prod/db/password")


def test_a_command_built_alone_parses_as_in_the_whole_parser() -> None:
    # main builds only the options of the command it runs: each must parse its own
    # arguments exactly as the parser with every command's options does, and still list
    # every command.
    from paramguard.cli import _COMMANDS, build_parser

    whole = build_parser()
    lines = {
        "scan": ["scan", "-j", "1", "--format", "json", "a.json.gz", "-"],
        "inventory": ["inventory", "--region", "eu-west-1", "--organization", "--ou", "r-ab12"],
        "redrive": ["redrive", "https://sqs.eu-west-1.amazonaws.com/1/q", "--limit", "5"],
        "check-dictionary": ["check-dictionary", "new.txt", "--names", "names.txt"],
        "iac": ["iac", "main.tf", "--format", "json"],
    }
    assert set(lines) == set(_COMMANDS)
    for name, argv in lines.items():
        alone = build_parser(name)
        assert vars(alone.parse_args(argv)) == vars(whole.parse_args(argv))
        assert alone.format_help() == whole.format_help()  # every command listed
