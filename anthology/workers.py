"""The build's worker processes: the texts read and the print edition's parts laid out side by
side, on every core the machine has.

WeasyPrint is pure Python for most of its work, so only processes run it in parallel. They are
forked from a server process that has imported the package (not WeasyPrint: the first jobs read
texts, and a server that loaded WeasyPrint first made the whole build slower, measured), so each
starts in a fraction of a second. With one job (one core, or `--jobs 1`), or where the machine
cannot give a process pool its shared queues, everything runs in the build's own process.

Jobs are handed to the processes most urgent first (`submit_ranked`), not in the order they were
submitted: a text's layout is submitted when the text is ready, and the longest, started last in
a queue, would finish last, long after the others.
"""
from __future__ import annotations

import heapq
import itertools
import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor

PRELOAD = ["anthology.pipeline"]
READING, LAYOUT, LAST = 0, 1, 9
"""Ranks (the first item of a job's rank): reading a text comes first, since everything waits for
the texts; then layouts (the longest first); last, what is needed only at the end."""


def worker_count() -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, available or 1)


class InProcess(Executor):
    """Runs each job at once, in the calling thread."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever asks for the result, as a pool would
            future.set_exception(exc)
        return future

    def submit_ranked(self, rank, fn, /, *args, **kwargs) -> Future:
        return self.submit(fn, *args, **kwargs)


class Ranked(Executor):
    """A process pool fed by rank: at most `slots` jobs are in the pool at a time (one per
    process), and when one ends the waiting job with the lowest rank goes next (equal ranks in
    the order they came)."""

    def __init__(self, pool: Executor, slots: int):
        self.pool, self.slots = pool, slots
        self._lock = threading.RLock()
        self._waiting: list = []
        self._running = 0
        self._order = itertools.count()
        self._closed = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self.submit_ranked((LAST,), fn, *args, **kwargs)

    def submit_ranked(self, rank, fn, /, *args, **kwargs) -> Future:
        """Run `fn(*args, **kwargs)` in a worker once every job of a lower rank has started."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit a job after shutdown")
            heapq.heappush(self._waiting, (rank, next(self._order), future, fn, args, kwargs))
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        with self._lock:
            while self._running < self.slots and self._waiting and not self._closed:
                _, _, future, fn, args, kwargs = heapq.heappop(self._waiting)
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    inner = self.pool.submit(fn, *args, **kwargs)
                except Exception as exc:  # a broken pool (a worker was killed): fail the job,
                    future.set_exception(exc)  # never leave it waiting
                    continue
                self._running += 1
                inner.add_done_callback(lambda done, f=future: self._ended(f, done))

    def _ended(self, future: Future, done: Future) -> None:
        with self._lock:
            self._running -= 1
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())
        else:
            future.set_result(done.result())
        self._dispatch()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            waiting, self._waiting, self._closed = self._waiting, [], True
        for item in waiting:
            item[2].cancel()
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def start_pool(jobs: int | None = None) -> Executor:
    """Worker processes for `jobs` jobs at a time (default: one per core)."""
    jobs = jobs or worker_count()
    pool: Executor = InProcess()
    if jobs > 1:
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            pool = Ranked(ProcessPoolExecutor(max_workers=jobs, mp_context=context), jobs)
        except (OSError, ImportError, ValueError):  # no shared memory for its queues (some containers)
            jobs = 1
    pool.jobs = jobs
    return pool
