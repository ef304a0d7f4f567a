"""The `make demo` step for `paramguard iac`: a String db_password fails, the fix passes.

scripts/demo.py calls iac_scene(); `python scripts/demo_iac.py` runs it alone. It runs the
real command in a subprocess, exactly as a user or CI would, on docs/examples/iac.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "docs" / "examples" / "iac"


def _run(directory: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "function"), env.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [sys.executable, "-m", "paramguard.iac", str(directory.relative_to(REPO))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def iac_scene() -> None:
    """Scan the example before and after the fix; raise if either answer is not the expected."""
    print("\n=== Before the write: paramguard iac on Terraform " + "=" * 24, flush=True)
    for label, directory, expected in (
        ('before (type = "String")', EXAMPLES / "before", 1),
        ('after (type = "SecureString")', EXAMPLES / "after", 0),
    ):
        done = _run(directory)
        print(f"\n  $ paramguard iac {directory.relative_to(REPO)}    # {label}")
        for line in (done.stdout + done.stderr).splitlines():
            print(f"    {line}")
        print(f"    exit code {done.returncode}", flush=True)
        if done.returncode != expected:
            raise RuntimeError(
                f"paramguard iac on {directory.name} exited {done.returncode}, expected {expected}"
            )


if __name__ == "__main__":
    try:
        iac_scene()
    except RuntimeError as exc:
        print(f"DEMO FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
