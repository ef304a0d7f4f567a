"""The pool `paramguard scan -j N` forks: every job answered in order, errors and deaths
reported, large jobs and results never stuck, and no worker left behind."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

if not hasattr(os, "fork"):
    pytest.skip("forkpool needs fork", allow_module_level=True)

from paramguard.forkpool import ForkPool, WorkerDied

_greeting = "unset"


def _greet(word: str) -> None:
    global _greeting
    _greeting = word


def greeting(suffix: str) -> str:
    return _greeting + suffix


def echo(value: object) -> object:
    return value


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def fails(message: str) -> None:
    raise ValueError(message)


class Unpicklable(Exception):
    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("not this one")


def fails_unpicklably(message: str) -> None:
    raise Unpicklable(message)


def dies(code: int) -> None:
    time.sleep(0.1)  # the jobs after it are handed out first
    os._exit(code)


def gone(pid: int) -> bool:
    """True if pid is no child of ours any more (reaped, so no zombie is left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture
def pool() -> object:
    made = ForkPool(2, _greet, ("hello",))
    yield made
    made.shutdown(wait=False, cancel_futures=True)


def test_each_job_gets_its_own_answer_whatever_the_order_they_finish_in(pool: ForkPool) -> None:
    jobs = [pool.submit(greeting, f" {n}") for n in range(200)]
    assert [job.result() for job in jobs] == [f"hello {n}" for n in range(200)]
    assert jobs[0].result() == "hello 0"  # read again, the same answer


def test_both_workers_take_jobs(pool: ForkPool) -> None:
    jobs = [pool.submit(pid_after, 0.02) for _ in range(8)]
    pids = {job.result() for job in jobs}
    assert len(pids) == 2 and os.getpid() not in pids


def test_large_jobs_and_results_move_in_pieces_without_either_side_waiting(
    pool: ForkPool,
) -> None:
    # Far larger than a pipe holds, both ways, several at once: a parent that wrote a
    # whole job before reading would wait forever on a worker writing its whole result.
    blobs = [bytes([n]) * (3 * 1024 * 1024 + n) for n in range(6)]
    answers: list[object] = []

    def submit_and_wait() -> None:
        jobs = [pool.submit(echo, blob) for blob in blobs]
        answers.extend(job.result() for job in jobs)

    waiting = threading.Thread(target=submit_and_wait, daemon=True)
    waiting.start()
    waiting.join(60)
    if waiting.is_alive():  # unblock it (and the fixture's shutdown) before failing
        for worker in pool._workers:
            os.kill(worker.pid, signal.SIGKILL)
        pytest.fail("stuck: each side waits for the other to read")
    assert answers == blobs


def test_a_job_that_raises_gives_its_error_and_the_pool_goes_on(pool: ForkPool) -> None:
    bad = pool.submit(fails, "no such log")
    unpicklable = pool.submit(fails_unpicklably, "odd")
    good = pool.submit(greeting, "!")
    with pytest.raises(ValueError, match="no such log"):
        bad.result()
    with pytest.raises(RuntimeError, match="Unpicklable: odd"):
        unpicklable.result()
    assert good.result() == "hello!"


def test_a_worker_that_dies_fails_every_waiting_job_and_is_reaped() -> None:
    pool = ForkPool(2, _greet, ("hello",))
    pids = {pool.submit(pid_after, 0.05).result() for _ in range(4)}
    death = pool.submit(dies, 9)
    slow = [pool.submit(pid_after, 0.5) for _ in range(3)]
    with pytest.raises(WorkerDied, match="ended unexpectedly"):
        death.result()
    for job in slow:  # the other worker is stopped too: nothing is answered half-way
        with pytest.raises(WorkerDied):
            job.result()
    with pytest.raises(WorkerDied):
        pool.submit(greeting, "?")
    pool.shutdown(wait=False, cancel_futures=True)
    assert all(gone(pid) for pid in pids)


def test_jobs_from_many_threads_each_get_their_answer(pool: ForkPool) -> None:
    answers: dict[int, list[str]] = {}

    def submitter(n: int) -> None:
        jobs = [pool.submit(greeting, f" {n}.{k}") for k in range(40)]
        answers[n] = [job.result() for job in jobs]

    threads = [threading.Thread(target=submitter, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == {n: [f"hello {n}.{k}" for k in range(40)] for n in range(4)}


def test_shutdown_waits_for_the_jobs_or_stops_at_once(pool: ForkPool) -> None:
    job = pool.submit(pid_after, 0.2)
    pool.shutdown(wait=True)
    assert job.done() and gone(job.result())

    stuck = ForkPool(1, _greet, ("x",))
    pid = stuck.submit(pid_after, 0.01).result()
    stuck.submit(pid_after, 60)
    started = time.monotonic()
    stuck.shutdown(wait=True, cancel_futures=True)
    assert time.monotonic() - started < 10 and gone(pid)


def test_a_pool_forked_after_another_never_keeps_the_first_ones_workers_alive() -> None:
    # A worker of the second pool inherits the parent's ends of the first one's pipes unless
    # it closes them: the first pool's workers would then never see their end, and its
    # shutdown would wait for ever.
    first = ForkPool(1, _greet, ("a",))
    pid = first.submit(pid_after, 0).result()
    second = ForkPool(1, _greet, ("b",))
    try:
        closing = threading.Thread(target=first.shutdown, daemon=True)
        closing.start()
        closing.join(10)
        assert not closing.is_alive() and gone(pid)
        assert second.submit(greeting, "!").result() == "b!"
    finally:
        second.shutdown()


def test_an_answer_is_never_held_up_behind_another_threads_slow_job(pool: ForkPool) -> None:
    # The thread waiting for the slow job moves the bytes; the quick job's answer, read in
    # one of its rounds, must reach its own thread at once, not when the slow one ends.
    slow = pool.submit(pid_after, 3)
    waiting = threading.Thread(target=slow.result, daemon=True)
    waiting.start()
    time.sleep(0.1)  # that thread is in poll now
    started = time.monotonic()
    assert pool.submit(greeting, "!").result() == "hello!"
    assert time.monotonic() - started < 1.5
    waiting.join(10)


def test_shutting_down_twice_leaves_a_newer_pool_alone() -> None:
    old = ForkPool(1, _greet, ("a",))
    old.shutdown()
    new = ForkPool(1, _greet, ("b",))  # may reuse the old pool's descriptor numbers
    try:
        old.shutdown()
        for fd in [new._wake_read, new._wake_write] + [
            end for worker in new._workers for end in (worker.jobs_fd, worker.results_fd)
        ]:
            os.fstat(fd)  # still open
        assert new.submit(greeting, "!").result() == "b!"
    finally:
        new.shutdown()


def test_an_interrupted_wait_fails_every_job_instead_of_leaving_one_waiting(
    pool: ForkPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C lands while this thread moves the bytes: another thread's job must fail, not
    # wait for an answer no one will read, and the pool must still shut down.
    other = pool.submit(pid_after, 0.5)
    mine = pool.submit(pid_after, 0.2)
    real = pool._receive

    def interrupted(worker: object) -> bool:
        monkeypatch.setattr(pool, "_receive", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(pool, "_receive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        mine.result()
    with pytest.raises(WorkerDied, match="interrupted"):
        other.result()
    closing = threading.Thread(target=pool.shutdown, daemon=True)
    closing.start()
    closing.join(10)
    assert not closing.is_alive()


def test_a_fork_that_fails_leaves_no_pipe_and_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def open_fds() -> set[str]:
        return set(os.listdir("/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"))

    real = os.fork
    forks: list[int] = []

    def second_fails() -> int:
        if forks:
            raise OSError(11, "Resource temporarily unavailable")
        forks.append(real())
        return forks[-1]

    before = open_fds()
    monkeypatch.setattr(os, "fork", second_fails)
    with pytest.raises(OSError, match="temporarily unavailable"):
        ForkPool(2, _greet, ("x",))
    assert open_fds() == before and all(gone(pid) for pid in forks if pid)


def test_ctrl_c_anywhere_stops_the_wait_and_never_leaves_the_pool_stuck() -> None:
    # A real SIGINT at a random moment while the main thread submits and collects: it must
    # surface as KeyboardInterrupt soon, and whatever it hit, the pool must still serve a
    # second thread's job (perhaps queued behind the slow one) and shut down.
    import random

    chance = random.Random(7)
    for _ in range(8):
        pool = ForkPool(2, _greet, ("x",))
        slow = pool.submit(pid_after, 1.5)
        delay = chance.uniform(0, 0.03)
        signal_at = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
        started = time.monotonic()
        signal_at.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                for n in range(400):
                    pool.submit(greeting, str(n)).result()
                slow.result()
        finally:
            signal_at.join()
        assert time.monotonic() - started < 10 and not pool._pumping
        other: list[object] = []

        def another_thread(pool: ForkPool = pool, other: list[object] = other) -> None:
            other.append(pool.submit(greeting, "!").result())

        helper = threading.Thread(target=another_thread)
        helper.start()
        helper.join(10)
        assert other == ["x!"]
        closing = threading.Thread(target=pool.shutdown, kwargs={"cancel_futures": True})
        closing.start()
        closing.join(10)
        assert not closing.is_alive()
