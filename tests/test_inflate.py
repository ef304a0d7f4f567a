"""Which deflate implementation runs: ISA-L when installed, the stdlib otherwise, and said."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest
from paramguard import handler, inflate
from paramguard.logfile import decompress

from support.awsutil import LambdaContext
from support.builders import gz_log, log_key, put_parameter, s3_event
from support.paths import REPO_ROOT

from .conftest import Stack


def run_python(code: str) -> str:
    """Run code in a fresh interpreter with this checkout's package first on the path."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": f"{REPO_ROOT / 'function'}:{':'.join(sys.path)}"},
    )
    return done.stdout.strip()


def test_without_isal_the_stdlib_inflates_and_says_so() -> None:
    # sys.modules[name] = None makes `import isal` fail, as on a machine without it.
    out = run_python(
        "import sys; sys.modules['isal'] = None; sys.modules['isal.isal_zlib'] = None\n"
        "from paramguard import inflate, logfile\n"
        "import gzip\n"
        "assert logfile.decompress(gzip.compress(b'{}' * 9), 100) == b'{}' * 9\n"
        "print(inflate.selected.name, '|', inflate.describe())"
    )
    name, said = out.split(" | ")
    assert name == "zlib" and "stdlib fallback: python-isal is not installed" in said


def test_isal_is_chosen_when_installed() -> None:
    if inflate.load("isal") is None:
        pytest.skip("isal is not installed (pip install 'paramguard[fast]')")
    assert run_python("from paramguard import inflate; print(inflate.describe())").startswith(
        "isal "
    )


def test_an_unknown_inflater_name_is_refused() -> None:
    with pytest.raises(ValueError, match="known: isal, zlib"):
        inflate.load("zopfli")


def test_the_cold_start_logs_the_inflater_once(
    stack: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    key = log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log([put_parameter("/a/b")]))
    caplog.set_level("INFO")
    handler.reset()
    for _ in range(2):
        handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)
    starts = [r for r in caplog.records if getattr(r, "event", None) == "cold_start"]
    assert [r.__dict__["inflater"] for r in starts] == [inflate.describe()]


def test_every_installed_inflater_reads_what_gzip_wrote(inflater: inflate.Inflater) -> None:
    document = b'{"Records": []}' * 5000
    assert decompress(gzip.compress(document, compresslevel=1), 10**6) == document
