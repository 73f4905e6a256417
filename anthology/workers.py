"""The build's worker processes: the texts read and the print edition's parts laid out side by
side, on every core the machine has.

WeasyPrint is pure Python for most of its work, so only processes run it in parallel. They are
forked from a server process that has imported the package (not WeasyPrint: the first jobs read
texts), so each starts in a fraction of a second; `warm_up` then has each load WeasyPrint and the
book's fonts while the build assembles the book, so that the first layout starts at once.
With one job (one core, or `--jobs 1`), or where the machine cannot give a process pool its
shared queues, everything runs in the build's own process.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor

PRELOAD = ["anthology.pipeline"]


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


def start_pool(jobs: int | None = None) -> Executor:
    """Worker processes for `jobs` jobs at a time (default: one per core)."""
    jobs = jobs or worker_count()
    pool: Executor = InProcess()
    if jobs > 1:
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
        except (OSError, ImportError, ValueError):  # no shared memory for its queues (some containers)
            jobs = 1
    pool.jobs = jobs
    return pool


def warm_up(pool: Executor, root) -> None:
    """Have each worker load WeasyPrint and the fonts (a job per worker; which worker takes which is
    the pool's choice, so this is a likelihood, not a promise)."""
    if isinstance(pool, ProcessPoolExecutor):
        from .render.part_layout import warm_up as job

        for _ in range(pool.jobs):
            pool.submit(job, root)
