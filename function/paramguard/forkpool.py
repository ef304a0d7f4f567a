"""Worker processes forked from this one, each fed its jobs over a pipe of its own.

`paramguard scan -j N` uses this pool where fork is safe (see parallel.start_method), and
concurrent.futures' ProcessPoolExecutor elsewhere. Both run the same functions; this one
costs less to start. ProcessPoolExecutor imports logging, sockets and queues and runs two
threads in the parent: about 30 ms before its first worker scans a byte, on a backfill
whose two-core scan takes 0.5 s. Here, forking the workers is all there is (about 1 ms
each), and the parent runs no thread: whichever thread waits for a result moves the bytes
(the S3 fetch threads included).

Each worker has two pipes, jobs in and results out; messages are pickles with an 8-byte
length. A worker holds at most DEPTH jobs (one running, the next already in its pipe), so
it never waits for the parent between two jobs, and the jobs still queued here go to
whichever worker frees up first. The parent's ends are non-blocking: a large job (an S3
object's bytes) and a large result move in pieces as each side reads, and neither side
ever waits for the other to read while it writes.

A worker that dies (the OOM killer, a crash in a C library) breaks the pool, as it does a
ProcessPoolExecutor: every job not yet answered fails with WorkerDied, the other workers
are stopped, and later submissions are refused; the caller decides what to run again.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
from collections import deque
from collections.abc import Callable

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

DEPTH = 2  # jobs a worker holds: the one it runs and the next
_HEADER = 8  # bytes of a message's length
_READ = 64 * 1024  # bytes asked for at once: what a pipe holds by default (Linux, macOS)
# A results pipe's size where it can be set (Linux; 1 MiB is the default pipe-max-size).
_PIPE_SIZE = 1024 * 1024
# The parent's ends of every pool's pipes: a worker closes them all once forked.
_PARENT_FDS: set[int] = set()


class WorkerDied(Exception):
    """A worker process ended while jobs were waiting for it: the pool is broken."""


class Job:
    """One call of fn(arg) in a worker: its outcome once done() (result() waits for it)."""

    __slots__ = ("_pool", "payload", "_reply", "_error", "_finished", "_outcome")

    def __init__(self, pool: ForkPool, payload: bytes) -> None:
        self._pool = pool
        self.payload: bytes | None = payload  # the pickled call, until a worker has it
        self._reply: bytes | None = None  # the pickled outcome, until result() reads it
        self._error: BaseException | None = None
        self._finished = False
        self._outcome: tuple[bool, Any] | None = None  # (returned, value), once read

    def done(self) -> bool:
        """Whether the outcome is in (a result, an error, or the pool's break)."""
        return self._finished

    def result(self) -> Any:
        """What fn(arg) returned, waiting for it; its exception, or WorkerDied."""
        return self._pool.result(self)


class _Worker:
    """A worker process and the parent's ends of its pipes."""

    __slots__ = ("pid", "jobs_fd", "results_fd", "held", "sending", "sent", "received")

    def __init__(self, pid: int, jobs_fd: int, results_fd: int) -> None:
        self.pid = pid
        self.jobs_fd = jobs_fd
        self.results_fd = results_fd
        self.held: deque[Job] = deque()  # jobs given to it, oldest (the one it runs) first
        self.sending: deque[memoryview] = deque()  # what is still to be written to it
        self.sent = 0  # bytes of sending[0] already written
        self.received = bytearray()  # bytes read from it, not yet a whole message


def _message(value: object) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "little") + data


def _read_exactly(fd: int, count: int) -> bytes | None:
    """count bytes from fd (blocking), or None at its end."""
    parts = []
    while count:
        part = os.read(fd, min(count, _READ))
        if not part:
            return None
        parts.append(part)
        count -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve(jobs_fd: int, results_fd: int) -> None:
    """A worker's loop: read a call, run it, write what it gave, until the parent closes."""
    while True:
        header = _read_exactly(jobs_fd, _HEADER)
        if header is None:
            return
        call = _read_exactly(jobs_fd, int.from_bytes(header, "little"))
        if call is None:
            return
        try:
            fn, arg = pickle.loads(call)
            reply = _message((True, fn(arg)))
        except Exception as exc:  # the caller gets the error, as from a ProcessPoolExecutor
            try:
                reply = _message((False, exc))
            except Exception:  # an exception that cannot be pickled
                reply = _message((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        _write_all(results_fd, reply)


class ForkPool:
    """`workers` processes forked now, each having run initializer(*initargs) first."""

    def __init__(
        self, workers: int, initializer: Callable[..., object], initargs: tuple[Any, ...] = ()
    ) -> None:
        # Guards the queue and the flags below. One thread at a time moves bytes (holds the
        # pumping role, not this lock): it does one round, gives the role back and wakes
        # every waiter, so a thread whose job another round answered never waits behind a
        # slow job of someone else's.
        self._state = threading.Condition()
        self._queue: deque[Job] = deque()  # submitted, not yet given to a worker
        self._pumping = False
        self._broken: str | None = None
        self._closed = False  # shutdown has begun: no more submissions
        self._workers: list[_Worker] = []
        self._by_fd: dict[int, _Worker] = {}
        self._poll = select.poll()
        # A submission from another thread wakes the thread waiting in poll (the self-pipe).
        self._wake_read, self._wake_write = os.pipe()
        _PARENT_FDS.update((self._wake_read, self._wake_write))
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._poll.register(self._wake_read, select.POLLIN)
        try:
            for _ in range(workers):
                self._fork(initializer, initargs)
        except BaseException:
            self.shutdown(wait=False, cancel_futures=True)
            raise

    def _fork(self, initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
        fds: list[int] = []
        try:
            fds += os.pipe()
            fds += os.pipe()
            pid = os.fork()
        except BaseException:
            for fd in fds:
                _close(fd)
            raise
        jobs_read, jobs_write, results_read, results_write = fds
        if pid == 0:  # the worker: it never returns from here
            code = 0
            try:
                # Ctrl-C reaches every process of the group: the parent stops the workers.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                # Every pool's ends in the parent: a worker holding another's jobs pipe open
                # would keep that worker from ever reading its end.
                for fd in _PARENT_FDS | {jobs_write, results_read}:
                    _close(fd)
                initializer(*initargs)
                _serve(jobs_read, results_write)
            except BaseException:
                code = 1
            finally:
                os._exit(code)  # never the parent's atexit handlers or its buffered output
        os.close(jobs_read)
        os.close(results_write)
        _PARENT_FDS.update((jobs_write, results_read))
        _widen(results_read)
        os.set_blocking(jobs_write, False)
        os.set_blocking(results_read, False)
        worker = _Worker(pid, jobs_write, results_read)
        self._workers.append(worker)
        self._by_fd[results_read] = self._by_fd[jobs_write] = worker
        self._poll.register(results_read, select.POLLIN)

    # ---- the caller's side ----

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Job:
        """Queue fn(arg) for the first free worker; WorkerDied if the pool is broken."""
        job = Job(self, _message((fn, arg)))
        with _HeldInterrupt(self._wake):
            with self._state:
                if self._broken is not None:
                    raise WorkerDied(self._broken)
                if self._closed:
                    raise RuntimeError("submit after shutdown")
                self._queue.append(job)
                if self._pumping:  # the thread moving bytes hands it out (fds open: not closed)
                    self._wake()
                    return job
                self._pumping = True
            self._round(0)  # hand it out now
        return job

    def result(self, job: Job) -> Any:
        """What fn(arg) returned, waiting for it; its exception, or WorkerDied."""
        with _HeldInterrupt(self._wake) as interrupt:
            while not interrupt.caught:
                with self._state:
                    while not job._finished and self._pumping and not interrupt.caught:
                        self._state.wait()
                    if job._finished or interrupt.caught:
                        break
                    self._pumping = True
                self._round(None)
        # Past a Ctrl-C (raised again as the block ends), only an answered job is read.
        with self._state:
            if job._error is not None:
                raise job._error
            if job._outcome is None:
                assert job._reply is not None
                job._outcome, job._reply = pickle.loads(job._reply), None
            returned, value = job._outcome
        if not returned:
            raise value
        return value

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Stop the workers once their jobs are done (wait), else at once (killed: they
        only read and scan); cancel_futures: fail the jobs not yet handed out. A Ctrl-C
        while it waits stops them at once too."""
        at_once = cancel_futures or not wait
        workers: list[_Worker] = []
        with _HeldInterrupt(self._wake) as interrupt:
            with self._state:
                if self._closed:
                    return  # once is enough (the second would close what others opened since)
                self._closed = True
                if cancel_futures:
                    for job in self._queue:
                        job._error = RuntimeError("cancelled: the scan stopped")
                        job._finished = True
                    self._queue.clear()
                if at_once:  # a thread waiting in poll sees them end and breaks the pool
                    for worker in self._workers:
                        _kill(worker.pid)
                while self._pumping:
                    self._state.wait()
                self._pumping = True
            try:
                while not (at_once or interrupt.caught) and self._broken is None:
                    if not self._unanswered():
                        break
                    self._pump(None)
                    with self._state:  # answers read in this round reach their threads now
                        self._state.notify_all()
                if self._broken is None and self._unanswered():
                    self._break("the scan stopped")
                for worker in self._workers:
                    for fd in (worker.jobs_fd, worker.results_fd):
                        _PARENT_FDS.discard(fd)
                        _close(fd)
                workers, self._workers = self._workers, []
                self._by_fd.clear()
            finally:
                with self._state:
                    wake = (self._wake_read, self._wake_write)
                    self._wake_read = self._wake_write = -1  # _wake writes nothing now
                    for fd in wake:
                        _PARENT_FDS.discard(fd)
                        _close(fd)
                    self._pumping = False
                    self._state.notify_all()
        for worker in workers:
            _reap(worker.pid)

    # ---- moving bytes (by the thread holding the pumping role) ----

    def _unanswered(self) -> bool:
        return bool(self._queue) or any(worker.held for worker in self._workers)

    def _wake(self) -> None:
        if self._wake_write < 0:  # shut down
            return
        try:
            os.write(self._wake_write, b"\0")
        except OSError:  # BlockingIOError: a wake is already waiting to be read
            pass

    def _round(self, timeout: float | None) -> None:
        """One round of _pump by the thread that took the pumping role; then give it back."""
        try:
            self._pump(timeout)
        except BaseException:
            # Stopped half-way (a bug; a Ctrl-C is held back, see _HeldInterrupt): what the
            # pipes held is no longer known, so every job fails rather than one waiting for
            # ever.
            self._break("the scan was interrupted")
            raise
        finally:
            with self._state:
                self._pumping = False
                self._state.notify_all()

    def _pump(self, timeout: float | None) -> None:
        """Hand out queued jobs, write and read what the pipes take, once; waits up to
        timeout seconds (None: until something happens) for a pipe to be ready."""
        if self._broken is not None:
            return
        self._hand_out()
        events = self._poll.poll(None if timeout is None else int(timeout * 1000))
        for fd, _ in events:
            if fd == self._wake_read:
                _drain(fd)
                continue
            worker = self._by_fd[fd]
            if fd == worker.jobs_fd:  # ready for more of a job
                self._send(worker)
            elif not self._receive(worker):
                return
        self._hand_out()

    def _hand_out(self) -> None:
        """Give queued jobs to the workers holding fewest, up to DEPTH each."""
        with self._state:
            while self._queue:
                worker = min(self._workers, key=lambda w: len(w.held))
                if len(worker.held) >= DEPTH:
                    break
                job = self._queue.popleft()
                assert job.payload is not None
                worker.held.append(job)
                worker.sending.append(memoryview(job.payload))
                job.payload = None
                if len(worker.sending) == 1:
                    self._send(worker)

    def _send(self, worker: _Worker) -> None:
        """Write what the worker's pipe takes now; poll for the rest."""
        while worker.sending:
            view = worker.sending[0]
            try:
                worker.sent += os.write(worker.jobs_fd, view[worker.sent :])
            except BlockingIOError:
                break
            except OSError:  # it is gone: its results pipe says so (end of file)
                worker.sending.clear()
                break
            if worker.sent == len(view):
                worker.sending.popleft()
                worker.sent = 0
        if worker.sending:
            self._poll.register(worker.jobs_fd, select.POLLOUT)
        else:
            try:
                self._poll.unregister(worker.jobs_fd)
            except KeyError:  # it was not waiting to write
                pass

    def _receive(self, worker: _Worker) -> bool:
        """Read all the worker wrote and finish the jobs it answered; False if it died."""
        buffer = worker.received
        while True:
            try:
                data = os.read(worker.results_fd, _READ)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:
                self._break(f"a worker process (pid {worker.pid}) ended unexpectedly")
                return False
            buffer += data
            if len(data) < _READ:
                break
        while len(buffer) >= _HEADER:
            size = int.from_bytes(buffer[:_HEADER], "little")
            if len(buffer) < _HEADER + size:
                break
            reply = bytes(buffer[_HEADER : _HEADER + size])
            del buffer[: _HEADER + size]
            job = worker.held[0]
            job._reply = reply
            job._finished = True
            worker.held.popleft()
        return True

    def _break(self, why: str) -> None:
        """A worker died: fail every job not answered, and stop the other workers."""
        with self._state:
            if self._broken is None:
                self._broken = why
            waiting = list(self._queue)
            self._queue.clear()
            for worker in self._workers:
                waiting += worker.held
                worker.held.clear()
                worker.sending.clear()
                _kill(worker.pid)
            for job in waiting:
                if not job._finished:
                    job._error = WorkerDied(self._broken)
                    job._finished = True
            self._state.notify_all()


class _HeldInterrupt:
    """Ctrl-C held back while the main thread may hold the pumping role, raised again (to
    whatever handler was set) once the block ends.

    KeyboardInterrupt can land between any two bytecodes of the main thread: between taking
    the role and the try that gives it back, or inside Condition.__exit__ before it releases
    its lock. Either would leave the role taken and every other thread, and shutdown, waiting
    for ever. Held back, the signal only records itself and wakes the thread in poll (the
    self-pipe); the loops check caught and leave. Other threads get no signals (Python runs
    handlers in the main thread only), so for them this does nothing.
    """

    __slots__ = ("_wake", "_previous", "caught")

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._previous: Any = None
        self.caught = False

    def __enter__(self) -> _HeldInterrupt:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None:  # None: a handler set outside Python, left alone
                self._previous = signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum: int, frame: object) -> None:
        self.caught = True
        self._wake()

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            if self.caught:
                signal.raise_signal(signal.SIGINT)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # already gone
        pass


def _widen(fd: int) -> None:
    """Let a results pipe hold _PIPE_SIZE bytes where the system allows (Linux): a worker
    then writes an answer and goes on, even while the parent is busy with earlier ones."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or over pipe-max-size
        pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except (BlockingIOError, OSError):
        pass


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
