"""`paramguard scan -j N`: log files scanned by a pool of processes, reported in their order.

Each worker reads and scans one file at a time (peak memory per worker: one file), and the
parent takes the outcomes in the order the files were found, so any number of jobs prints
the same report as one. S3 objects are fetched by threads while the pool scans. Everything
a worker needs is passed as picklable values, so this runs under every multiprocessing
start method (see start_method).
"""

from __future__ import annotations

import _thread  # threading's lock, without importing threading (start-up)
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from .finding import Finding, Remediation
from .logfile import LogFormatError
from .plain import Frozen, Record
from .rule import without_lookups
from .scan import scan_blob

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:  # the pools are imported when a scan needs one (about 20 ms less start-up)
    from concurrent.futures import Executor, Future, ThreadPoolExecutor
    from typing import Any, BinaryIO

    from .forkpool import ForkPool, Job
    from .matcher import Dictionary  # a scan that meets no candidate never loads it

MAX_LOG_BYTES = 1024 * 1024 * 1024
# Outcomes waiting in order per job: enough to keep every worker busy behind a slow file,
# few enough that the parent never holds more than a handful of results or S3 bodies.
_WINDOW_PER_JOB = 4
_FETCH_THREADS_PER_JOB = 4
# S3 objects (their sizes unknown here): the pool starts once this many are listed, as
# fetching them is slower than starting it.
POOL_AFTER = 8
# Local files: the pool starts once the files found add up to this much work, counted in
# compressed bytes plus FILE_WORK per file (its open, read, inflater and scan set-up cost
# about what 5 KB of a large log does). Below it, the files are scanned here: on two cores
# the pool saves less wall time than the CPU time it adds (workers, their imports and
# compiled patterns, round trips). Measured whole process, `-j 2` against `-j 1` (2 cores,
# median of 3): 4 MB in 92 files, no wall time saved for 0.07 s more CPU; 8 MB in 235 files,
# 0.05 s saved for 0.08 s; 16 MB in 407 files, 0.11 s for 0.08 s; 32 MB in 869 files, 0.21 s
# for 0.16 s; 4.4 MB in 1,200 small files (bench/smallfiles.py), 0.05 s for 0.12 s.
POOL_AFTER_BYTES = 16 * 1024 * 1024
FILE_WORK = 5 * 1024
# Small local files go to a worker in groups: one round trip per group instead of per file
# (a round trip costs about as much as scanning a 10 KB log).
_BATCH_FILES = 16
_BATCH_BYTES = 2 * 1024 * 1024


class Outcome(Record):
    """What one source entry gave: a scanned log, a failure, or both."""

    __slots__ = ("name", "read", "scanned", "records", "size", "findings", "error", "remediations")

    def __init__(
        self,
        name: str,
        read: bool = False,
        scanned: bool = False,
        records: int = 0,
        size: int = 0,
        findings: list[Finding] | None = None,
        error: str | None = None,
        remediations: list[Remediation] | None = None,
    ) -> None:
        self.name = name
        self.read = read  # its bytes were read (the progress count)
        self.scanned = scanned  # it was scanned as a log file
        self.records = records
        self.size = size
        self.findings: list[Finding] = [] if findings is None else findings
        self.error = error
        # Fixes, for resolved_by.
        self.remediations: list[Remediation] = [] if remediations is None else remediations


class LocalFile(Frozen):
    """A file to read and scan; walked: found in a folder (only regular files are read);
    regular: the folder's listing said it is a regular file (not a symbolic link)."""

    __slots__ = ("path", "name", "walked", "regular")
    path: str
    name: str
    walked: bool
    regular: bool

    def __init__(self, path: str, name: str, walked: bool, regular: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "name", name)
        _set(self, "walked", walked)
        _set(self, "regular", regular)


class Blob(Frozen):
    """Bytes already read (standard input, a named pipe)."""

    __slots__ = ("raw", "name")
    raw: bytes
    name: str

    def __init__(self, raw: bytes, name: str) -> None:
        object.__setattr__(self, "raw", raw)
        object.__setattr__(self, "name", name)


class S3Object(Frozen):
    """An object to fetch and scan."""

    __slots__ = ("client", "bucket", "key")
    client: Any
    bucket: str
    key: str

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        _set = object.__setattr__
        _set(self, "client", client)
        _set(self, "bucket", bucket)
        _set(self, "key", key)

    @property
    def name(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


class Failure(Frozen):
    """A failure found while listing (a folder that cannot be read, nothing to scan)."""

    __slots__ = ("message",)
    message: str

    def __init__(self, message: str) -> None:
        object.__setattr__(self, "message", message)


Task = LocalFile | Blob | S3Object | Failure


def reason(exc: OSError) -> str:
    """An OSError as a lower-case reason."""
    return (exc.strerror or str(exc)).lower()


def kind(mode: int) -> str:
    """The kind of a special file, as messages name it."""
    for test, name in (
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISFIFO, "named pipe"),
    ):
        if test(mode):
            return name
    return "special file"


def read_capped(stream: BinaryIO) -> bytes:
    """At most MAX_LOG_BYTES from a file or a pipe; LogFormatError past it."""
    # read(n) allocates n bytes before it reads: sized from the file, a read of a small log
    # costs a few microseconds instead of mapping a gigabyte (about 25 us a file).
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is both
        size = 0
    data = stream.read(min(size, MAX_LOG_BYTES) + 1)
    if len(data) > size:  # a pipe, or a file that grew: read on up to the limit
        data += stream.read(MAX_LOG_BYTES + 1 - len(data))
    if len(data) > MAX_LOG_BYTES:
        raise LogFormatError(f"over the {MAX_LOG_BYTES}-byte limit")
    return data


_GROWTH_READ = 64 * 1024


class NotRegularFile(OSError):
    """read_file opened something else than a regular file (mode: what fstat said)."""

    def __init__(self, mode: int) -> None:
        super().__init__(f"not a regular file (a {kind(mode)})")
        self.mode = mode


# Opening a FIFO without O_NONBLOCK waits for a writer: read_file must never block on what a
# folder's listing took for a regular file and something replaced since.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def read_file(path: str) -> bytes:
    """At most MAX_LOG_BYTES of a regular file; LogFormatError past it, NotRegularFile if
    the path is something else (then nothing is read).

    read_capped's limit, without a file object: a third less time on a typical small log
    (11 us instead of 17), and one read call when the file is as large as it says.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(info.st_mode)
        size = info.st_size
        data = os.read(fd, min(size, MAX_LOG_BYTES) + 1)
        total = len(data)
        parts = [data]
        # A short read, or a file that grew since fstat: read on up to the limit. What fstat
        # promised is asked for at once; past it, 64 KB at a time. (A 16 MB request at the
        # end of every file made glibc serve the inflater's growing buffer from the heap,
        # copying it as it grew: 16 MB more peak memory on a 50 MB log.) Exactly the size
        # fstat said, with one byte more asked for, is the end: no read to be told so.
        while total <= MAX_LOG_BYTES and total != size:
            want = size + 1 - total if total <= size else _GROWTH_READ
            chunk = os.read(fd, min(MAX_LOG_BYTES + 1 - total, want))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > MAX_LOG_BYTES:
        raise LogFormatError(f"over the {MAX_LOG_BYTES}-byte limit")
    return data if len(parts) == 1 else b"".join(parts)


def scan_raw(raw: bytes, name: str, dictionary: Dictionary) -> Outcome:
    """Scan one log's bytes; whatever goes wrong is an error for this log only.

    Its fixes are left unmatched (scan_blob): the command line only pairs them with its
    findings.
    """
    outcome = Outcome(name, read=True)
    try:
        scan = scan_blob(raw, name, dictionary, MAX_LOG_BYTES)
        findings: list[Finding] = []
        if scan.candidates:
            # Resolved as the function resolves what it cannot look up (this runs without
            # SSM), without importing the function's AWS shell.
            findings = without_lookups(scan.candidates)
    except LogFormatError as exc:
        outcome.error = f"{name}: {exc}"
        return outcome
    except Exception as exc:  # one log must never cost the others' findings
        outcome.error = f"{name}: internal error: {type(exc).__name__}: {exc}"
        return outcome
    outcome.scanned, outcome.records, outcome.size = True, scan.records, scan.size
    outcome.findings = findings
    outcome.remediations = scan.remediations
    return outcome


def scan_local(task: LocalFile, dictionary: Dictionary) -> Outcome:
    """Read and scan one local file (a pipe only when named on the command line)."""
    name = task.name
    mode = stat.S_IFREG
    try:
        if not task.regular:  # not known from a listing: look before opening
            mode = os.stat(task.path).st_mode
        # Named on the command line, a pipe or a terminal is read as a stream (/dev/stdin, a
        # FIFO); found in a folder, only regular files are, as opening a FIFO could block.
        streamable = stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
        if not stat.S_ISREG(mode) and (task.walked or not streamable):
            raise NotRegularFile(mode)
        if stat.S_ISREG(mode):
            raw = read_file(task.path)
        else:
            with open(task.path, "rb") as stream:
                raw = read_capped(stream)
    except FileNotFoundError:
        return Outcome(name, error=f"{name}: no such file or directory")
    except NotRegularFile as exc:
        return Outcome(
            name, error=f"{name}: not a regular file, directory or pipe (a {kind(exc.mode)})"
        )
    except OSError as exc:
        return Outcome(name, error=f"{name}: cannot read it: {reason(exc)}")
    except LogFormatError as exc:
        return Outcome(name, error=f"{name}: {exc}")
    return scan_raw(raw, name, dictionary)


def read_special(path: str, name: str, mode: int) -> Blob | Failure:
    """A pipe or a terminal named on the command line (/dev/stdin, a FIFO), read here."""
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return Failure(f"{name}: not a regular file, directory or pipe (a {kind(mode)})")
    try:
        with open(path, "rb") as stream:
            return Blob(read_capped(stream), name)
    except OSError as exc:
        return Failure(f"{name}: cannot read it: {reason(exc)}")
    except LogFormatError as exc:
        return Failure(f"{name}: {exc}")


def fetch(task: S3Object) -> Blob | Outcome:
    """An S3 object's bytes, or the failure to read it."""
    from .aws_io import read_object
    from .events import ObjectRef

    ref = ObjectRef(task.bucket, task.key)
    try:
        return Blob(read_object(task.client, ref, MAX_LOG_BYTES), ref.uri)
    except LogFormatError as exc:
        return Outcome(ref.uri, error=f"{ref.uri}: {exc}")
    except Exception as exc:  # botocore's errors, without importing it for local use
        return Outcome(ref.uri, error=f"{ref.uri}: cannot read it: {exc}")


# ---- In the worker processes ----

_worker_dictionary: Dictionary | None = None


# glibc's mallopt parameters (malloc.h), and the values a worker sets.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 << 20  # the largest glibc accepts on 64-bit
_TRIM_THRESHOLD = 256 << 20


def _start_worker(dictionary: Dictionary) -> None:
    global _worker_dictionary
    _worker_dictionary = dictionary
    _keep_freed_buffers()


def _keep_freed_buffers() -> None:
    """Have malloc reuse a worker's freed buffers for its next files (glibc; elsewhere, nothing).

    A worker starts with malloc's initial thresholds: each decompressed log over 128 KB is
    mapped afresh and faulted in page by page until they adapt, and each worker adapts on
    its own. Measured on the 1,000-file backfill (2 cores, medians of 7, alternating):
    `-j 2` took 0.58 s of wall time with this against 0.62 s without, `-j 1` the same with or
    without (one process adapts once). Peak memory is unchanged: what is kept is what the
    largest file needed.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # no ctypes, or a C library without it
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)


def _in_worker(task: LocalFile | Blob) -> Outcome:
    assert _worker_dictionary is not None, "worker started without its dictionary"
    if isinstance(task, Blob):
        return scan_raw(task.raw, task.name, _worker_dictionary)
    return scan_local(task, _worker_dictionary)


def _in_worker_batch(tasks: list[LocalFile]) -> list[Outcome]:
    return [_in_worker(task) for task in tasks]


# ---- In the parent ----


def _failed(name: str, exc: BaseException) -> Outcome:
    return Outcome(name, error=f"{name}: internal error: {type(exc).__name__}: {exc}")


# None: "fork" where it exists and this process runs no other thread yet (the workers
# start at once with this process's imports, and a dictionary given with --dictionary
# already compiled: about 0.3 s less per worker than a fresh interpreter; the bundled one
# is loaded by each worker at its first candidate; and forkpool's pool instead of
# ProcessPoolExecutor: about 30 ms less), else "spawn". Tests set "spawn" to run the
# portable path.
START_METHOD: str | None = None


def start_method() -> str:
    """How worker processes start (see START_METHOD)."""
    if START_METHOD is not None:
        return START_METHOD
    # threading.active_count() without importing threading: threads started by Python.
    if hasattr(os, "fork") and _thread._count() == 0:
        return "fork"
    return "spawn"


def _broken() -> tuple[type[BaseException], ...]:
    """The errors of a pool that a dead worker has broken (for an except clause)."""
    import sys

    from .forkpool import WorkerDied

    if "concurrent.futures.process" not in sys.modules:  # no ProcessPoolExecutor was made
        return (WorkerDied,)
    # An import statement, not sys.modules: it waits while another thread (one renewing a
    # pool) is still importing the module.
    from concurrent.futures.process import BrokenProcessPool

    return (WorkerDied, BrokenProcessPool)


class _Runner:
    """Starts work for tasks in order and hands back each outcome when its turn comes.

    A worker that dies (the kernel's OOM killer, a crash in a C library) breaks the whole
    process pool and fails every job in it. Only one of those files killed it, so the jobs
    the break took down are scanned again one at a time in a pool of one worker (the file
    that kills it twice is the one reported, see _alone), and later files go to a new pool.
    """

    def __init__(self, dictionary: Dictionary, jobs: int) -> None:
        self.dictionary = dictionary
        self.jobs = jobs
        self.pool: Executor | ForkPool | None = None
        self.threads: ThreadPoolExecutor | None = None
        self._renewing = _thread.allocate_lock()
        self._solo: Executor | ForkPool | None = None  # one worker for the jobs a broken pool took
        self._solo_lock = _thread.allocate_lock()

    def _new_pool(self, workers: int) -> Executor | ForkPool:
        method = start_method()
        if method == "fork":
            from .forkpool import ForkPool

            return ForkPool(workers, _start_worker, (self.dictionary,))
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_start_worker,
            initargs=(self.dictionary,),
        )

    def start_pool(self) -> None:
        if self.jobs > 1 and self.pool is None:
            self.pool = self._new_pool(self.jobs)

    def _submit(self, fn: Callable[[Any], Any], arg: Any) -> Future[Any] | Job:
        """Submit to the pool, replacing it first if a dead worker has broken it."""
        assert self.pool is not None
        pool = self.pool
        try:
            return pool.submit(fn, arg)
        except _broken():
            with self._renewing:
                if self.pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self.pool = self._new_pool(self.jobs)
                return self.pool.submit(fn, arg)

    def _alone(self, tasks: list[LocalFile | Blob]) -> list[Outcome]:
        """Scan tasks one at a time in a pool of one worker: a break then names its cause.

        The worker is kept while it lives (one process for all the tasks, not one each); a
        task whose worker dies is tried once more in a new one, so a file that only met a
        worker's death elsewhere (queued in the broken pool, or killed once) is not lost.
        """
        outcomes: list[Outcome] = []
        with self._solo_lock:
            for task in tasks:
                outcome: Outcome | None = None
                for _ in range(2):
                    if self._solo is None:
                        self._solo = self._new_pool(1)
                    try:
                        outcome = self._solo.submit(_in_worker, task).result()
                        break
                    except _broken():
                        self._solo.shutdown(wait=False, cancel_futures=True)
                        self._solo = None
                    except Exception as exc:  # not picklable, or a bug: this file failed
                        outcome = _failed(task.name, exc)
                        break
                outcomes.append(
                    outcome
                    or Outcome(
                        task.name,
                        error=f"{task.name}: internal error: the process scanning it died "
                        "twice on its own (killed by the system, for example for lack of "
                        "memory)",
                    )
                )
        return outcomes

    def _outcomes(self, future: Future[Any] | Job, tasks: list[LocalFile | Blob]) -> list[Outcome]:
        """The outcomes of a pool job; the job's tasks again, one by one, if its pool broke."""
        try:
            got = future.result()
        except _broken():
            return self._alone(tasks)
        except Exception as exc:  # not picklable, or a bug: these files failed
            return [_failed(task.name, exc) for task in tasks]
        return list(got) if isinstance(got, list) else [got]

    def _scan(self, task: LocalFile | Blob) -> Callable[[], Outcome]:
        if self.pool is None:
            return lambda: _here(task, self.dictionary)
        future = self._submit(_in_worker, task)
        return lambda: self._outcomes(future, [task])[0]

    def start_batch(self, tasks: list[LocalFile]) -> list[Callable[[], Outcome]]:
        """Begin work on local files as one job of the pool; a callable per file."""
        if self.pool is None or len(tasks) == 1:
            return [self.start(task) for task in tasks]
        future = self._submit(_in_worker_batch, tasks)
        done: list[list[Outcome]] = []  # the job's outcomes, fetched (or redone) once

        def nth(index: int) -> Outcome:
            if not done:
                done.append(self._outcomes(future, list(tasks)))
            return done[0][index]

        return [partial(nth, index) for index in range(len(tasks))]

    def start(self, task: Task) -> Callable[[], Outcome]:
        """Begin work on a task; the callable returns its outcome (waiting if need be)."""
        if isinstance(task, Failure):
            outcome = Outcome("", error=task.message)
            return lambda: outcome
        if not isinstance(task, S3Object):
            return self._scan(task)
        if self.threads is None:
            from concurrent.futures import ThreadPoolExecutor

            self.threads = ThreadPoolExecutor(_FETCH_THREADS_PER_JOB * self.jobs)
        fetched = self.threads.submit(self._fetch_and_scan, task)

        def when_fetched() -> Outcome:
            got = _result(fetched, task.name)
            return got if isinstance(got, Outcome) else _here(got, self.dictionary)

        return when_fetched

    def _fetch_and_scan(self, task: S3Object) -> Blob | Outcome:
        """In a fetch thread: the object's outcome from the pool, or its bytes without one."""
        got = fetch(task)
        if isinstance(got, Outcome) or self.pool is None:
            return got
        return self._outcomes(self._submit(_in_worker, got), [got])[0]

    def close(self, cancel: bool) -> None:
        # The fetch threads first: one of them may still replace a broken pool.
        if self.threads is not None:
            self.threads.shutdown(wait=True, cancel_futures=cancel)
        for executor in (self.pool, self._solo):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=cancel)


def _here(task: LocalFile | Blob, dictionary: Dictionary) -> Outcome:
    if isinstance(task, Blob):
        return scan_raw(task.raw, task.name, dictionary)
    return scan_local(task, dictionary)


def _same(outcome: Outcome) -> Outcome:
    return outcome


def _result(future: Future[Any], name: str) -> Any:
    try:
        return future.result()
    except Exception as exc:  # a worker that died (killed, out of memory): this file failed
        return _failed(name, exc)


def _size(task: LocalFile) -> int:
    try:
        return os.stat(task.path).st_size
    except OSError:
        return 0  # the worker will say what is wrong


def run(tasks: Iterable[Task], dictionary: Dictionary, jobs: int) -> Iterator[Outcome]:
    """The outcome of every task, in the tasks' order, scanned by up to `jobs` processes.

    The pool starts only once the local files found add up to POOL_AFTER_BYTES of work, or
    POOL_AFTER other sources (S3 objects, standard input) are, and never for one file:
    less is scanned here, without the cost of starting processes.
    """
    runner = _Runner(dictionary, max(1, jobs))
    pending: deque[Callable[[], Outcome]] = deque()
    window = _WINDOW_PER_JOB * runner.jobs * _BATCH_FILES
    held: list[tuple[Task, int]] = []  # found before the pool starts, and their sizes
    work = others = 0
    group: list[LocalFile] = []
    group_bytes = 0
    finished = False

    def flush() -> None:
        nonlocal group, group_bytes
        if group:
            pending.extend(runner.start_batch(group))
            group, group_bytes = [], 0

    try:
        for task in tasks:
            size = _size(task) if isinstance(task, LocalFile) and runner.jobs > 1 else 0
            if runner.pool is None and runner.jobs > 1:
                held.append((task, size))
                if isinstance(task, LocalFile):
                    work += size + FILE_WORK
                elif not isinstance(task, Failure):
                    others += 1
                # One file is scanned by one process wherever it is: a pool needs two.
                if (work < POOL_AFTER_BYTES and others < POOL_AFTER) or len(held) < 2:
                    continue
                runner.start_pool()
                batch, held = held, []
            else:
                batch = [(task, size)]
            for one, one_size in batch:
                if runner.pool is not None and isinstance(one, LocalFile):
                    group.append(one)
                    group_bytes += one_size
                    if len(group) >= _BATCH_FILES or group_bytes >= _BATCH_BYTES:
                        flush()
                else:
                    flush()  # what came before starts first: the order is kept
                    pending.append(runner.start(one))
                while len(pending) > window:
                    yield pending.popleft()()
        flush()
        for one, _ in held:
            pending.append(runner.start(one))
            while len(pending) > window:
                yield pending.popleft()()
        while pending:
            yield pending.popleft()()
        finished = True
    finally:
        runner.close(cancel=not finished)
