"""`paramguard scan -j N`: any number of processes prints the same report as one.

Run as a user runs it: a subprocess, its exit code, its bytes on stdout and stderr.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from paramguard import parallel
from paramguard.logfile import LogFormatError
from paramguard.matcher import load_default
from paramguard.parallel import POOL_AFTER, POOL_AFTER_BYTES, read_capped, read_file

from support.builders import gz_log, log_document, log_key, put_parameter

REPO = Path(__file__).resolve().parent.parent
SECRETS = ["/prod/db/password", "/svc/github/token", "/x/api_key", "/prod/app/log_level"]


def paramguard(*args: str) -> tuple[int, bytes, bytes]:
    """Run `python -m paramguard ARGS` with this checkout's package."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "function"), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-m", "paramguard", *args],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def pool_sized(folder: Path) -> None:
    """One quiet log file large enough that a scan of the folder starts the pool for it.

    Named to be found first: every other file in the folder goes to the pool.
    """
    folder.mkdir(parents=True, exist_ok=True)
    record = {"eventSource": "s3.amazonaws.com", "eventName": "GetObject"}
    padding = {**record, "requestParameters": {"key": "k" * POOL_AFTER_BYTES}}
    (folder / "000_large.json").write_bytes(log_document([record, padding]))


def backfill(root: Path, files: int) -> Path:
    """A trail folder of many logs: findings in many of them, and failures among them; large
    enough that `scan -j 2` scans it with a pool of workers."""
    top = root / "AWSLogs"
    pool_sized(top / "123456789012" / "CloudTrail" / "eu-west-1" / "2026" / "11" / "00")
    for n in range(files):
        day = top / "123456789012" / "CloudTrail" / "eu-west-1" / "2026" / "11" / f"{n % 7 + 1:02d}"
        day.mkdir(parents=True, exist_ok=True)
        records = [
            put_parameter(f"{SECRETS[(n + i) % len(SECRETS)]}{n}", "String") for i in range(n % 4)
        ]
        name = f"123456789012_CloudTrail_eu-west-1_{n:04d}.json.gz"
        if n % 11 == 5:
            (day / name).write_bytes(gz_log(records)[:-9])  # truncated delivery
        elif n % 13 == 6:
            (day / name).write_bytes(b"\x1f\x8b not gzip at all")
        elif n % 17 == 7:
            (day / name.replace(".gz", "")).write_bytes(b'{"logFiles": []}')  # not a log
        elif n % 5 == 0:
            (day / name.replace(".gz", "")).write_bytes(log_document(records))
        else:
            (day / name).write_bytes(gzip.compress(log_document(records), mtime=0))
    digest = top / "123456789012" / "CloudTrail-Digest" / "eu-west-1"
    digest.mkdir(parents=True)
    (digest / "x_CloudTrail-Digest_y.json.gz").write_bytes(gz_log([]))
    (top / "README.txt").write_text("not a log\n")
    (top / "empty").mkdir()
    return top


def without_time(stderr: bytes) -> bytes:
    """The summary line's elapsed time is the one thing that may differ between runs."""
    return re.sub(rb" in \d+\.\d s: ", b" in T s: ", stderr)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_two_jobs_print_what_one_job_prints(tmp_path: Path, fmt: str) -> None:
    top = backfill(tmp_path, 60)
    one = paramguard("scan", "-j", "1", "--format", fmt, str(top), str(tmp_path / "missing"))
    two = paramguard("scan", "-j", "2", "--format", fmt, str(top), str(tmp_path / "missing"))
    assert two[0] == one[0] == 1  # findings win over failures
    assert two[1] == one[1] and one[1].count(b"/prod/db/password") > 5
    assert without_time(two[2]) == without_time(one[2])
    said = one[2].decode()
    # 13 broken files (5 truncated, 5 not gzip, 3 not logs) and the missing SOURCE; the
    # README and the digest skipped.
    assert re.search(r"scan: 48 log files .* 47 findings, 14 failures, 2 other", said)
    assert "missing: no such file" in said and said.count("truncated") == 5


def test_failures_alone_give_the_same_exit_code_with_any_jobs(tmp_path: Path) -> None:
    top = tmp_path / "logs"
    pool_sized(top)
    for n in range(3 * POOL_AFTER):
        body = gz_log([put_parameter("/app/log_level", "String")])
        (top / f"{n:03d}.json.gz").write_bytes(body if n % 3 else body[:-5])
    one, two = paramguard("scan", "-j", "1", str(top)), paramguard("scan", "-j", "3", str(top))
    assert one[0] == two[0] == 2 and one[1] == two[1] == b""
    assert without_time(one[2]) == without_time(two[2])
    assert b"8 failures" in one[2]


@pytest.mark.parametrize("jobs", ["0", "-1", "many", "257"])
def test_a_bad_number_of_jobs_is_a_usage_error(tmp_path: Path, jobs: str) -> None:
    code, out, err = paramguard("scan", f"--jobs={jobs}", str(tmp_path))
    assert code == 2 and out == b"" and b"number of processes from 1 to 256" in err


@pytest.mark.parametrize("death", [False, True])
def test_s3_objects_are_fetched_and_scanned_by_jobs_in_listing_order(
    aws: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    death: bool,
) -> None:
    # death: a forked worker is killed once. The fetch threads then renew the pool (spawned
    # workers, as threads run now) while others still meet the break: every object is
    # scanned again, none becomes a failure.
    import boto3
    from paramguard import cli, parallel

    if death:
        if "fork" not in multiprocessing.get_all_start_methods():
            pytest.skip("the fault is injected into forked workers")
        died = tmp_path / "died"
        real = parallel.scan_raw

        def dies_once(raw: bytes, name: str, dictionary: object) -> parallel.Outcome:
            if name.endswith("_020.json.gz") and os.getpid() != parent:
                try:
                    died.touch(exist_ok=False)
                except FileExistsError:
                    pass
                else:
                    os._exit(9)
            return real(raw, name, dictionary)  # type: ignore[arg-type]

        parent = os.getpid()
        monkeypatch.setattr(parallel, "scan_raw", dies_once)

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="trail")
    day = log_key().rsplit("/", 1)[0]
    total = 8 * POOL_AFTER
    for n in range(total):
        key = f"{day}/123456789012_CloudTrail_us-east-1_{n:03d}.json.gz"
        body = gz_log([put_parameter(f"/s{n:03d}/password", "String")])
        s3.put_object(Bucket="trail", Key=key, Body=body if n != 4 else body[:-3])
    reports = []
    for jobs in ("1", "2"):
        code = cli.main(["scan", "-j", jobs, "--json", "s3://trail/AWSLogs/"])
        printed = capsys.readouterr()
        reports.append((code, printed.out, without_time(printed.err.encode())))
    assert reports[0] == reports[1]
    code, out, said = reports[0]
    assert code == 1 and out.count("\n") == total - 1
    names = re.findall(r'"parameter_name": "(/s\d+/password)"', out)
    assert names == sorted(names) and b"1 failure" in said
    if death:
        assert died.exists()


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_every_start_method_gives_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    from paramguard import cli, parallel

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    top = backfill(tmp_path, 3 * POOL_AFTER)
    reports = []
    for jobs in ("1", "2"):
        monkeypatch.setattr(parallel, "START_METHOD", method)
        code = cli.main(["scan", "-j", jobs, "--json", str(top)])
        printed = capsys.readouterr()
        reports.append((code, printed.out, without_time(printed.err.encode())))
    assert reports[0] == reports[1] and reports[0][1].count("\n") > POOL_AFTER


def test_a_small_folder_is_scanned_without_starting_workers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers cost more CPU than they save wall time on a small folder; past
    # POOL_AFTER_BYTES of work (here lowered to 40 small files' worth) they pay off.
    from paramguard import cli, parallel

    top = tmp_path / "logs"
    top.mkdir()
    for n in range(6 * POOL_AFTER):
        (top / f"{n:03d}.json.gz").write_bytes(gz_log([put_parameter(f"/s{n}/token", "String")]))
    pools: list[int] = []
    real = parallel._Runner._new_pool

    def counted(runner: parallel._Runner, workers: int) -> object:
        pools.append(workers)
        return real(runner, workers)

    monkeypatch.setattr(parallel._Runner, "_new_pool", counted)
    reports = []
    for threshold in (POOL_AFTER_BYTES, 40 * parallel.FILE_WORK):
        monkeypatch.setattr(parallel, "POOL_AFTER_BYTES", threshold)
        code = cli.main(["scan", "-j", "2", "--json", str(top)])
        printed = capsys.readouterr()
        reports.append((code, printed.out, without_time(printed.err.encode())))
        assert pools == ([] if threshold == POOL_AFTER_BYTES else [2])
    assert reports[0] == reports[1] and reports[0][1].count("\n") == 6 * POOL_AFTER

    # One file is one process's work, however large.
    pools.clear()
    pool_sized(tmp_path / "large")
    code = cli.main(["scan", "-j", "2", "--json", str(tmp_path / "large" / "000_large.json")])
    assert code == 0 and pools == []


def test_a_worker_that_dies_costs_failures_never_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard import cli, parallel

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the fault is injected into forked workers")
    top = tmp_path / "logs"
    top.mkdir()
    total = 6 * POOL_AFTER
    for n in range(total):
        body = gz_log([put_parameter(f"/s{n:03d}/password", "String")])
        (top / f"{n:03d}.json.gz").write_bytes(body)
    real = parallel.scan_local

    def dies_on_one(task: parallel.LocalFile, dictionary: object) -> parallel.Outcome:
        if task.name.endswith("020.json.gz"):
            os._exit(9)  # as the kernel's OOM killer would end it
        return real(task, dictionary)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    monkeypatch.setattr(parallel, "POOL_AFTER_BYTES", 0)  # small files, in a pool
    monkeypatch.setattr(parallel, "scan_local", dies_on_one)
    code = cli.main(["scan", "-j", "2", "--json", str(top)])
    printed = capsys.readouterr()
    found = printed.out.count("\n")
    failures = [line for line in printed.err.splitlines() if "internal error" in line]
    summary = printed.err.splitlines()[-1]
    # The break takes down every job in the pool; the jobs it took are scanned again, each
    # in a process of its own, so only the file that kills its worker again is lost.
    assert code == 1 and found == total - 1
    assert len(failures) == 1 and "020.json.gz" in failures[0] and "died" in failures[0]
    assert f"{total - 1} findings, 1 failure" in summary


def test_a_file_that_killed_a_worker_once_is_scanned_again_not_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker killed once (memory pressure from its neighbours, say) takes down files that
    # were only queued behind it; each is scanned again, and the one that died gets a
    # second try of its own: nothing is lost when nothing dies twice.
    from paramguard import cli, parallel

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the fault is injected into forked workers")
    top = tmp_path / "logs"
    top.mkdir()
    total = 6 * POOL_AFTER
    for n in range(total):
        body = gz_log([put_parameter(f"/s{n:03d}/password", "String")])
        (top / f"{n:03d}.json.gz").write_bytes(body)
    died = tmp_path / "died-once"
    real = parallel.scan_local

    def dies_the_first_time(task: parallel.LocalFile, dictionary: object) -> parallel.Outcome:
        if task.name.endswith(("020.json.gz", "030.json.gz")):
            flag = died / Path(task.name).name
            try:
                flag.parent.mkdir(exist_ok=True)
                flag.touch(exist_ok=False)
            except FileExistsError:
                pass
            else:
                os._exit(9)
        return real(task, dictionary)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    monkeypatch.setattr(parallel, "POOL_AFTER_BYTES", 0)  # small files, in a pool
    monkeypatch.setattr(parallel, "scan_local", dies_the_first_time)
    code = cli.main(["scan", "-j", "2", "--json", str(top)])
    printed = capsys.readouterr()
    assert sorted(p.name for p in died.iterdir()) == ["020.json.gz", "030.json.gz"]
    assert code == 1 and printed.out.count("\n") == total
    assert "internal error" not in printed.err
    assert f"{total} findings, 0 failures" in printed.err.splitlines()[-1]


def test_a_read_stops_at_the_limit_for_files_that_grow_pipes_and_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The read is sized from the file (a small log must not cost a gigabyte's allocation),
    # but what the file's size says is never trusted: the limit holds whatever is read.
    monkeypatch.setattr(parallel, "MAX_LOG_BYTES", 100)
    path = tmp_path / "log.json"
    for size in (0, 1, 100):
        path.write_bytes(b"x" * size)
        with open(path, "rb") as stream:
            assert read_capped(stream) == b"x" * size
    path.write_bytes(b"x" * 101)
    with open(path, "rb") as stream, pytest.raises(LogFormatError, match="100-byte limit"):
        read_capped(stream)
    real_fstat = os.fstat
    stale = os.stat_result((0o100644, 0, 0, 1, 0, 0, 40, 0, 0, 0))  # what it held before it grew
    for size, fits in ((60, True), (150, False)):
        path.write_bytes(b"g" * size)
        with monkeypatch.context() as patch, open(path, "rb") as stream:
            patch.setattr(
                os, "fstat", lambda fd: stale if fd == stream.fileno() else real_fstat(fd)
            )
            if fits:
                assert read_capped(stream) == b"g" * size
            else:
                with pytest.raises(LogFormatError):
                    read_capped(stream)
    for size, fits in ((100, True), (101, False)):
        reader, writer_fd = os.pipe()
        os.write(writer_fd, b"p" * size)
        os.close(writer_fd)
        with open(reader, "rb") as stream:
            if fits:
                assert read_capped(stream) == b"p" * size
            else:
                with pytest.raises(LogFormatError):
                    read_capped(stream)
    with pytest.raises(LogFormatError):
        read_capped(io.BytesIO(b"s" * 101))  # no file descriptor at all


def test_a_regular_file_is_read_whole_up_to_the_limit_even_if_it_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # read_file sizes its read from fstat as read_capped does, and trusts it no more.
    monkeypatch.setattr(parallel, "MAX_LOG_BYTES", 100)
    path = tmp_path / "log.json"
    for size in (0, 1, 99, 100):
        path.write_bytes(b"x" * size)
        assert read_file(str(path)) == b"x" * size
    path.write_bytes(b"x" * 101)
    with pytest.raises(LogFormatError, match="100-byte limit"):
        read_file(str(path))
    stale = os.stat_result((0o100644, 0, 0, 1, 0, 0, 40, 0, 0, 0))  # what it held before it grew
    for size, fits in ((60, True), (100, True), (150, False)):
        path.write_bytes(bytes(range(size)))
        with monkeypatch.context() as patch:
            patch.setattr(os, "fstat", lambda fd: stale)
            if fits:
                assert read_file(str(path)) == bytes(range(size))
            else:
                with pytest.raises(LogFormatError):
                    read_file(str(path))
    real_read = os.read
    with monkeypatch.context() as patch:  # reads that return less than asked for
        patch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
        path.write_bytes(bytes(range(60)))
        assert read_file(str(path)) == bytes(range(60))


def test_a_file_read_asks_for_no_large_buffer_past_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asking os.read for megabytes at the end of every file made glibc serve the inflater's
    # growing buffer from the heap afterwards: 16 MB more peak memory on a 50 MB log.
    path = tmp_path / "log.json.gz"
    path.write_bytes(b"g" * 300_000)
    asked: list[int] = []
    real_read = os.read

    def read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", read)
    assert read_file(str(path)) == b"g" * 300_000
    assert asked[0] == 300_001 and all(n <= 64 * 1024 for n in asked[1:])
    # As large as fstat said, with a byte more asked for: one read, no second to see the end.
    assert asked == [300_001]


def test_a_file_the_listing_took_for_regular_is_never_read_if_it_is_not(tmp_path: Path) -> None:
    # The walk spares each file a stat by trusting the listing's file type; if a FIFO has
    # replaced the file since, reading it must neither block (opening a FIFO waits for a
    # writer) nor pass: the file is reported.
    fifo = tmp_path / "log.json.gz"
    os.mkfifo(fifo)
    with pytest.raises(parallel.NotRegularFile, match="named pipe"):
        read_file(str(fifo))
    task = parallel.LocalFile(str(fifo), "log.json.gz", walked=True, regular=True)
    outcome = parallel.scan_local(task, load_default())
    assert not outcome.scanned
    assert outcome.error == "log.json.gz: not a regular file, directory or pipe (a named pipe)"
    missing = parallel.LocalFile(str(tmp_path / "gone.json.gz"), "gone.json.gz", True, True)
    assert parallel.scan_local(missing, load_default()).error == (
        "gone.json.gz: no such file or directory"
    )


def test_a_worker_keeps_its_freed_buffers_where_malloc_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # glibc: the thresholds are set (mallopt answers 1 for a value it takes); a C library
    # without mallopt, or no ctypes, leaves the worker as it is, without an error.
    import ctypes

    calls: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, parameter: int, value: int) -> int:
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(parallel, "_worker_dictionary", None)  # put back afterwards
    monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
    parallel._start_worker(load_default())
    assert calls == [(-3, 32 << 20), (-1, 256 << 20)]

    def missing(name: object) -> object:
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    parallel._keep_freed_buffers()  # nothing to tune, nothing raised
    monkeypatch.undo()
    if sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION"):
        assert ctypes.CDLL(None).mallopt(-3, 32 << 20) == 1  # glibc takes the value
