"""The command line against hostile and unusual sources (issue 10, items 9, 10, 11).

Run as a user would: a subprocess, its exit code, its bytes on stdout and stderr.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from support.builders import gz_log, log_document, put_parameter

REPO = Path(__file__).resolve().parent.parent


def paramguard(
    *args: str | bytes, stdin: bytes | None = None, prelude: str = ""
) -> tuple[int, bytes, bytes]:
    """Run `python -m paramguard ARGS` (prelude: Python run first, to inject a fault)."""
    script = prelude + "\nimport sys\nfrom paramguard.cli import main\nsys.exit(main())\n"
    argv = [os.fsdecode(a) if isinstance(a, bytes) else a for a in args]
    env = {**os.environ, "PYTHONPATH": str(REPO / "function")}
    result = subprocess.run(
        [sys.executable, "-c", script, *argv],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        timeout=60,
    )
    return result.returncode, result.stdout, result.stderr


def lines(data: bytes) -> list[str]:
    """Output as a terminal would split it: strict UTF-8, on every line terminator."""
    return data.decode("utf-8").splitlines()


# ---- 9: an unreadable subdirectory ----

DENY_LISTING = """
import os
_real = os.scandir
def _scandir(path="."):
    if os.fspath(path).endswith("locked"):
        raise PermissionError(13, "Permission denied", os.fspath(path))
    return _real(path)
os.scandir = _scandir
"""


def tree(tmp_path: Path) -> Path:
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.json.gz").write_bytes(gz_log([put_parameter("/open/db_password")]))
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.json.gz").write_bytes(gz_log([put_parameter("/locked/secret")]))
    return tmp_path


def test_an_unreadable_subdirectory_exits_two_naming_it(tmp_path: Path) -> None:
    # Tests run as root, who can list anything: the denial is injected into os.scandir.
    root = tree(tmp_path)

    code, out, err = paramguard("scan", str(root), prelude=DENY_LISTING)

    assert code == 1  # findings win over the folder that could not be listed...
    assert paramguard("scan", "--errors-first", str(root), prelude=DENY_LISTING)[0] == 2
    assert "/open/db_password" in out.decode()  # the readable part is still reported
    assert f"{root / 'locked'}: cannot list it: permission denied" in err.decode()
    assert b"Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list a directory with mode 000")
def test_an_unreadable_subdirectory_by_its_permissions(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "locked").chmod(0)
    try:
        code, _, err = paramguard("scan", str(root))
    finally:
        (root / "locked").chmod(0o755)
    assert code == 2 and b"locked: cannot list it" in err


def test_symlinked_folders_are_followed_and_a_loop_ends(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "open" / "loop").symlink_to(root)

    code, out, _ = paramguard("scan", str(root / "open"))

    assert code == 1 and len(lines(out)) == 2  # a.json.gz once, locked/b.json.gz once


# ---- 10: standard input, /dev/stdin, named pipes ----

RECORDS = [put_parameter("/stdin/db_password", event_id="e-stdin")]


@pytest.mark.parametrize("body", [gz_log(RECORDS), log_document(RECORDS)], ids=["gzip", "json"])
def test_scan_dash_reads_one_log_from_standard_input(body: bytes) -> None:
    code, out, err = paramguard("scan", "--json", "-", stdin=body)

    assert code == 1, err
    [row] = [json.loads(line) for line in lines(out)]
    assert row["parameter_name"] == "/stdin/db_password" and row["source"] == "<stdin>"


def test_dev_stdin_from_a_pipe() -> None:
    code, out, err = paramguard("scan", "/dev/stdin", stdin=gz_log(RECORDS))
    assert code == 1, err
    assert "/stdin/db_password" in out.decode()


def test_an_empty_standard_input_is_a_clear_error() -> None:
    code, _, err = paramguard("scan", "-", stdin=b"")
    assert code == 2 and b"<stdin>: empty log object" in err


def test_dash_twice_is_a_usage_error() -> None:
    code, _, err = paramguard("scan", "-", "-")
    assert code == 2 and b"standard input" in err


def test_a_named_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "trail.json.gz"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as pipe:  # blocks until the scan opens it
            pipe.write(gz_log(RECORDS))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    code, out, err = paramguard("scan", str(fifo))
    writer.join(timeout=10)

    assert code == 1, err
    assert "/stdin/db_password" in out.decode()


def test_a_named_pipe_inside_a_folder_is_reported_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "stuck.json.gz")  # opening it would wait for a writer forever

    code, _, err = paramguard("scan", str(tmp_path))

    assert code == 2 and b"stuck.json.gz: not a regular file, directory or pipe" in err


def test_a_socket_gets_an_accurate_message(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        code, _, err = paramguard("scan", str(path))
    finally:
        server.close()
    assert code == 2
    assert b"not a regular file, directory or pipe (a socket)" in err
    assert b"no such file" not in err


# ---- 11: output a crafted log or file name cannot forge ----

FORGERY = [
    "/prod/db_password\nlogs/x.json.gz: 2026 000000000000/us-east-1 /fake (String) matched 'x'",
    "/prod/api_key\r/prod/innocent",
    "/prod/secret\x1b[2K\x1b[1A",  # erase the line, cursor up
    "/prod/token\u202egnp.txt",  # right-to-left override
    "/prod/private_key\x85\u2028next",  # NEL and LINE SEPARATOR
]


def crafted_log(tmp_path: Path, file_name: bytes = b"crafted.json.gz") -> Path:
    records: list[Any] = [put_parameter(name) for name in FORGERY]
    records[0]["userAgent"] = "aws-cli\n\x1b]0;title\x07"
    records[1]["userIdentity"]["arn"] = "arn:aws:iam::1:user/\x9b2J"  # a C1 CSI
    path = os.path.join(os.fsencode(tmp_path), file_name)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(log_document(records)))
    return Path(os.fsdecode(path))


def test_text_output_escapes_everything_that_could_forge_or_hide_a_line(tmp_path: Path) -> None:
    crafted_log(tmp_path)

    code, out, _ = paramguard("scan", str(tmp_path))

    assert code == 1
    printed = lines(out)
    assert len(printed) == len(FORGERY)  # one line per finding, none forged
    assert all(line.isprintable() for line in printed)  # no ESC, CR, C1, bidi, separator
    text = out.decode()
    for escape in ("\\n", "\\r", "\\x1b[2K", "\\u202e", "\\x85", "\\u2028", "\\x9b"):
        assert escape in text, escape


def test_a_hostile_file_name_is_escaped_in_text_json_and_errors(tmp_path: Path) -> None:
    # Not UTF-8 (\xff), a newline, an escape sequence: a file name can hold any byte but / and NUL.
    crafted_log(tmp_path, b"evil\n\x1b[31m\xff.json.gz")
    (Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"bad\n\xfe.json")))).write_bytes(b"x")

    code, out, err = paramguard("scan", str(tmp_path))
    json_code, json_out, _ = paramguard("scan", "--json", str(tmp_path))

    assert code == json_code == 1  # findings win over the unreadable one
    assert all(line.isprintable() for line in lines(out) + lines(err))
    assert len(lines(err)) == 2  # the error and the totals: the name split nothing
    assert "evil\\n\\x1b[31m\\xff.json.gz" in out.decode()
    assert "bad\\n\\xfe.json: " in err.decode()
    rows = [json.loads(line) for line in lines(json_out)]
    assert len(rows) == len(FORGERY)
    assert {row["source"] for row in rows} == {f"{tmp_path}/evil\n\x1b[31m\\xff.json.gz"}
    assert {row["parameter_name"] for row in rows} == set(FORGERY)  # exact, once decoded


def test_a_listing_without_file_types_that_cannot_be_asked_costs_one_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Where a directory listing carries no file types (some NFS, FUSE, ISO 9660), the walk's
    # is_file asks the file system, which can fail (a path too long, a folder without
    # search permission): that file is reported, the others are scanned.
    good = tmp_path / "good.json.gz"
    good.write_bytes(gz_log([put_parameter("/prod/db/password", "String")]))
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"")

    class Untyped:
        def __init__(self, path: Path) -> None:
            self.path, self.name = str(path), path.name

        def is_file(self, *, follow_symlinks: bool = True) -> bool:
            if self.name == "bad.json.gz":
                raise PermissionError(13, "Permission denied", self.path)
            return True

    from paramguard import cli

    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(bad):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(cli, "_walk", lambda top: iter([Untyped(bad), Untyped(good)]))
    monkeypatch.setattr(os, "stat", stat)
    code = cli.main(["scan", "-j", "1", str(tmp_path)])
    out, err = capsys.readouterr()
    assert "/prod/db/password" in out
    assert "bad.json.gz: cannot read it: permission denied" in err
    assert code == 1  # findings (and a failure), not a crash
