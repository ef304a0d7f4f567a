"""Helpers for the iac tests: write files, run the command, read its reports."""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from paramguard.iac.cli import main

DATA = Path(__file__).resolve().parent / "data" / "iac"


@dataclass
class Run:
    """What one `paramguard iac` run printed and returned."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """The JSON report."""
        return json.loads(self.out)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    """Run `paramguard iac` in-process."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def write(directory: Path, files: dict[str, str]) -> Path:
    """Create files (relative path -> text) under directory; return the directory."""
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return directory


def fake_aws_key_pair(seed: int = 7) -> str:
    """An access key ID and secret key in the shape the value detectors know (not a real key)."""
    rng = random.Random(seed)
    key_id = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    alphabet = string.ascii_letters + string.digits + "/+"
    secret = "".join(rng.choice(alphabet) for _ in range(40))
    return f"{key_id}:{secret}"
