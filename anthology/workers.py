"""The build's worker processes: the texts read and the print edition's parts laid out side by
side, on every core the machine has.

WeasyPrint is pure Python for most of its work, so only processes run it in parallel. They are
forked from a server process that has imported the package, WeasyPrint and the word frequencies
(anthology/preload.py), so each starts in a fraction of a second with them loaded once for all
(each worker loading WeasyPrint was 0.7 s of CPU each; a cold build is about 0.4 s faster, median
of 6 runs, though the first texts start being read that much later). The server starts with the
first job. With one job (one core, or `--jobs 1`), or where the machine cannot give a process pool
its shared queues, everything runs in the build's own process.

Jobs are handed to the processes most urgent first (`submit_ranked`), not in the order they were
submitted: a text's layout is submitted when the text is ready, and the longest, started last in
a queue, would finish last, long after the others. A worker that has prepared a text waits for
that text's layout (`submit_holding`, `release`), which the build's process submits a moment
after: free first, it would otherwise take a shorter part's that was waiting.

A build that fails or is interrupted (Ctrl-C) does not wait for the jobs under way: the pool is
stopped at once (`stop`), its processes killed (or, in one process, the job running in another
thread interrupted). The jobs keep their temporary files in a folder of the pool's own, removed
with the pool: WeasyPrint writes the fonts of every layout into a temporary folder, which a
worker, ending without collecting its garbage, never removed.
"""
from __future__ import annotations

import contextlib
import ctypes
import heapq
import itertools
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import CancelledError, Executor, Future, InvalidStateError, ProcessPoolExecutor
from pathlib import Path
from typing import Callable

PRELOAD = ["anthology.preload"]
"""The module the fork server imports before it forks a worker (what it loads: anthology/preload.py)."""
LAYOUTS_ONLY = "ANTHOLOGY_WORKERS_LAY_OUT_ONLY"
"""Set in the fork server's environment when no worker will read a text (`Ranked.only_layouts`):
the server then leaves the word frequencies unloaded (anthology/preload.py)."""
PACKAGE_PARENT = Path(__file__).resolve().parent.parent
"""The folder that holds the package: where the fork server imports it from."""
READING, LAYOUT, LAST = 0, 1, 9
"""Ranks (the first item of a job's rank): reading a text comes first, since everything waits for
the texts; then layouts (the longest first); last, what is needed only at the end."""


TRACE: list[dict] | None = None
"""When a list (the benchmark's timeline sets it: `trace_jobs`), every job a pool runs is recorded in
it: what it was, its lane (the slot it held) and when it was handed out and ended, in seconds of
`time.perf_counter()` in the build's process."""


def trace_jobs() -> list[dict]:
    """Start recording jobs (see `TRACE`); returns the list they go into."""
    global TRACE
    TRACE = []
    return TRACE


def _job_label(fn, args) -> str:
    """What a job is, for the trace: its function and what it works on (a part's or a text's name)."""
    for arg in args:
        for attribute in ("name", "id"):
            value = getattr(arg, attribute, None)
            if isinstance(value, str):
                return f"{fn.__name__}:{value}"
    return fn.__name__


def worker_count() -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, available or 1)


class InProcess(Executor):
    """Runs each job at once, in the calling thread. As the build's pool (`with start_pool(1)`),
    it keeps the build's temporary files in a scratch folder, as the worker processes do."""

    jobs = 1
    """How many jobs run at once."""

    def __init__(self):
        self.stopped = False
        self.scratch: Path | None = None
        self._system_tempdir: str | None = None
        self._lock = threading.Lock()
        self._running: dict[int, int] = {}
        """The threads running a job (thread id → how many jobs deep)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        if self.stopped:  # the build failed or was interrupted: a thread still submitting gets no more work
            future.cancel()
            return future
        thread = threading.get_ident()
        with self._lock:
            self._running[thread] = self._running.get(thread, 0) + 1
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to whoever asks for the result, as a pool would; not Ctrl-C,
            future.set_exception(exc)  # which stops this process's build at once
        finally:
            with self._lock:
                self._running[thread] -= 1
                if not self._running[thread]:
                    del self._running[thread]
        return future

    def submit_ranked(self, rank, fn, /, *args, **kwargs) -> Future:
        return self.submit(fn, *args, **kwargs)

    def submit_holding(self, rank, fn, /, *args, **kwargs) -> Future:
        """As `Ranked.submit_holding`: here no worker is left to hold, the job is run at once."""
        return self.submit(fn, *args, **kwargs)

    def release(self, future: Future) -> None:
        """As `Ranked.release`: nothing is held."""

    def only_layouts(self) -> None:
        """As `Ranked.only_layouts`: there is no server."""

    def stop(self) -> None:
        """No more jobs, and a job running in another thread (the print edition's layouts, beside
        the EPUB) is interrupted: Python lets a signal interrupt only the main thread, and a long
        text's layout takes seconds. Again until the job has ended (for at most 2 s): Python drops
        an exception that comes while a `__del__` runs."""
        self.stopped = True
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            with self._lock:  # a thread leaves its job only once it holds the lock: it is still in it
                busy = set(self._running) - {threading.get_ident()}
                for thread in busy:
                    _interrupt(thread)
            if not busy:
                return
            time.sleep(0.05)

    def __enter__(self) -> "InProcess":
        # WeasyPrint's font folders are removed only when the garbage collector gets to their
        # layouts, and never for a layout interrupted at the end of the process.
        self.scratch = Path(tempfile.mkdtemp(prefix="anthology-workers-"))
        self._system_tempdir, tempfile.tempdir = tempfile.tempdir, str(self.scratch)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.stop()
        if self.scratch is not None:
            tempfile.tempdir = self._system_tempdir
            shutil.rmtree(self.scratch, ignore_errors=True)
        return False


def _interrupt(thread: int) -> None:
    """Raise KeyboardInterrupt in `thread` at its next Python instruction."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(KeyboardInterrupt))


class Ranked(Executor):
    """A process pool fed by rank: at most `slots` jobs are in the pool at a time (one per
    process), and when one ends the waiting job with the lowest rank goes next (equal ranks in
    the order they came)."""

    def __init__(self, pool: ProcessPoolExecutor, slots: int, scratch: Path | None = None):
        self.pool, self.slots, self.scratch = pool, slots, scratch
        self._lock = threading.RLock()
        self._waiting: list = []
        self._running = 0
        self._order = itertools.count()
        self._closed = False
        self._started: set[Future] = set()
        """The jobs handed to the pool and not yet ended (their futures, as `submit_ranked` gave them)."""
        self._free_lanes = list(range(slots))
        self._holding: set[Future] = set()
        """The jobs whose worker, once they end, waits for `release`."""
        self._server_started = False
        self._only_layouts = False

    @property
    def jobs(self) -> int:
        """How many jobs run at once: one per worker process."""
        return self.slots

    def only_layouts(self) -> None:
        """No worker will read a text (one text changed, prepared in the build's process): their
        server, if it has not started, leaves out the word frequencies that reading needs. It is
        ready a fifth of a second sooner, and after an edit to one text the text's layout waits
        for it. A worker given a text after all loads them itself (`prepare_text_job`)."""
        with self._lock:
            self._only_layouts = not self._server_started

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self.submit_ranked((LAST,), fn, *args, **kwargs)

    def submit_ranked(self, rank, fn, /, *args, **kwargs) -> Future:
        """Run `fn(*args, **kwargs)` in a worker once every job of a lower rank has started."""
        return self._submit(rank, fn, args, kwargs)

    def submit_holding(self, rank, fn, /, *args, **kwargs) -> Future:
        """`submit_ranked`, but when the job ends its worker takes no other job until `release(future)`:
        for a job whose result is at once followed by a more urgent one than those waiting (a text
        read, then laid out), which the worker, free first, would otherwise not get."""
        return self._submit(rank, fn, args, kwargs, holding=True)

    def _submit(self, rank, fn, args, kwargs, holding: bool = False) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit a job after shutdown")
            heapq.heappush(self._waiting, (rank, next(self._order), future, fn, args, kwargs))
            if holding:
                self._holding.add(future)
        self._dispatch()
        return future

    def release(self, future: Future) -> None:
        """The worker held by `future`'s job (`submit_holding`) takes jobs again."""
        with self._lock:
            if future not in self._holding:
                return
            self._holding.discard(future)
            if future.done():  # else it ends without holding its worker
                self._running -= 1
        self._dispatch()

    def _dispatch(self) -> None:
        with self._lock:
            while self._running < self.slots and self._waiting and not self._closed:
                _, _, future, fn, args, kwargs = heapq.heappop(self._waiting)
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if not self._server_started:  # a build that needs no worker starts none
                        _start_server(only_layouts=self._only_layouts)
                        self._server_started = True
                    inner = self.pool.submit(fn, *args, **kwargs)
                except Exception as exc:  # a broken pool (a worker was killed): fail the job,
                    future.set_exception(exc)  # never leave it waiting
                    continue
                self._running += 1
                self._started.add(future)
                record = None
                if TRACE is not None:
                    record = {"job": _job_label(fn, args), "lane": self._free_lanes.pop(0) if self._free_lanes else -1,
                              "start": time.perf_counter()}
                    TRACE.append(record)
                inner.add_done_callback(lambda done, f=future, r=record: self._ended(f, done, r))

    def _ended(self, future: Future, done: Future, record: dict | None = None) -> None:
        with self._lock:
            if future not in self._holding or done.cancelled() or done.exception() is not None:
                self._holding.discard(future)
                self._running -= 1
            if record is not None:
                record["end"] = time.perf_counter()
                if record["lane"] >= 0:
                    self._free_lanes.append(record["lane"])
                    self._free_lanes.sort()
            if future not in self._started:  # failed already by `stop`
                return
            self._started.discard(future)
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())
        else:
            future.set_result(done.result())
        self._dispatch()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._close()
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:  # the workers have ended: nothing writes in their scratch folder any more
            self._remove_scratch()

    def stop(self) -> None:
        """End every job now, for a build that failed or was interrupted: the waiting jobs are
        cancelled and the worker processes killed, so the threads waiting on a job are freed at
        once (with an error) rather than after the layouts under way (16 s, measured)."""
        self._close()
        with self._lock:
            started, self._started = self._started, set()
        for future in started:  # free whoever waits on them, whatever the pool's thread does
            with contextlib.suppress(InvalidStateError):
                future.set_exception(CancelledError("the build was stopped"))
        # ProcessPoolExecutor has no public way to end its processes before Python 3.14
        # (`terminate_workers`): they and its result queue are taken before `shutdown` forgets them.
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        results = getattr(self.pool, "_result_queue", None)
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # killed: a worker has nothing to clean up (see `_worker_started`)
            process.kill()
        deadline = time.monotonic() + 2
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        # A worker ended while it was sending a result leaves half a message in the result queue,
        # and the pool's thread reading it would wait for the rest for ever (and Python, at exit, for
        # that thread): with this process's end of the pipe closed too, it reads the end instead.
        if results is not None:
            with contextlib.suppress(AttributeError, OSError):
                results._writer.close()
        self._remove_scratch()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.stop()
        else:
            self.shutdown(wait=True)
        return False

    def _close(self) -> None:
        """No job is handed to the pool any more; the waiting ones are cancelled."""
        with self._lock:
            waiting, self._waiting, self._closed = self._waiting, [], True
        for item in waiting:
            item[2].cancel()

    def _remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


GC_THRESHOLDS = (50_000, 20, 100)
"""How often Python's cycle collector runs in the build's processes (its default: 700, 10, 10).
The build makes millions of small objects that live (a text's tree, WeasyPrint's boxes), and the
default has the collector walk them over and over: a long text's layout took an eighth less
time with these, the memory the same (measured on the book's longest text)."""


@contextlib.contextmanager
def fewer_collections():
    """`GC_THRESHOLDS` within the block, the process's own afterwards."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class Alone:
    """A worker process of its own for one job (`run`), forked from the same server as `pool`'s
    and ended after it (the job runs in this process if `pool` has no processes): for a job whose
    memory should not come on top of what a worker keeps from its earlier jobs (joining a book ten
    times this one's length takes 0.5 GB, and a layout worker already held as much).

    The process is started when this is made, and runs `preparing` (if given) at once: the modules
    the job needs that the server has not loaded (joining needs pikepdf: 0.05 s in a forked worker)
    are loaded while the build does other work, not when the job comes, at the end of the build.
    Stopped at once, as the pool's jobs are, if the build fails or is interrupted (`__exit__`)."""

    def __init__(self, pool: Executor, preparing: Callable[[], None] | None = None):
        self._pool, self._alone = pool, None
        if isinstance(pool, Ranked):
            context = multiprocessing.get_context("forkserver")
            scratch = str(pool.scratch) if pool.scratch else tempfile.gettempdir()
            self._alone = Ranked(ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_worker_started,
                                                     initargs=(scratch,)), 1)
            if preparing is not None:
                self._alone.submit(preparing)

    def __enter__(self) -> "Alone":
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._alone is not None:
            self._alone.__exit__(exc_type, exc, tb)
        return False

    def prepare(self, fn, /, *args) -> None:
        """`fn(*args)` in the process, now, ahead of the job (which it does not wait for): work the
        job would do that can be done while the build does other things. Nothing in the build's
        own process, where it would not run ahead of anything."""
        if self._alone is not None:
            self._alone.submit(fn, *args)

    @property
    def own_process(self) -> bool:
        """Whether the job runs in a process of its own, which ends after it."""
        return self._alone is not None

    def run(self, fn, /, *args, **kwargs):
        """`fn(*args, **kwargs)` in the process, which then ends."""
        if self._alone is None:
            return self._pool.submit(fn, *args, **kwargs).result()
        with self._alone:  # a failure or Ctrl-C stops it (Ranked.__exit__)
            return self._alone.submit(fn, *args, **kwargs).result()


def _worker_started(scratch: str) -> None:
    """Run in each worker process before its first job.

    Ctrl-C sends SIGINT to every process of the terminal's group, the workers too; the build's own
    process decides (it stops them), so a worker does nothing on it and prints no traceback. A
    handler that does nothing, not SIG_IGN: an ignored signal stays ignored in the programs a worker
    runs (Pandoc), which must still stop on Ctrl-C.

    Temporary files (WeasyPrint's font folders, the cover's) go into the pool's scratch folder,
    removed with the pool, and not into the system's, where a worker left them. The cycle
    collector runs less often (`GC_THRESHOLDS`)."""
    import gc

    signal.signal(signal.SIGINT, _left_to_the_build)
    os.environ["TMPDIR"] = scratch  # for the programs a worker runs, too
    tempfile.tempdir = scratch
    gc.set_threshold(*GC_THRESHOLDS)


def _left_to_the_build(signum, frame) -> None:
    """A worker's SIGINT handler: nothing (see `_worker_started`)."""


@contextlib.contextmanager
def stopped_on_failure(pool: Executor):
    """Stop `pool` at once if the block fails or is interrupted, before whatever follows waits for
    a thread that is itself waiting on one of the pool's jobs."""
    try:
        yield pool
    except BaseException:
        pool.stop()
        raise


def _start_server(only_layouts: bool = False) -> None:
    """Start the workers' fork server unless it runs, able to import the package wherever the
    build is run from. Python 3.11's server looks for the modules it preloads in the current
    directory only, not on the build's `sys.path`, and skips one it cannot import without a word:
    every worker then loads the build's code and WeasyPrint for itself. So the package's folder is
    put on the path the server starts with (PYTHONPATH), and only on its; and `LAYOUTS_ONLY`
    with `only_layouts`. A server already running (an earlier build of this process) is kept as
    it is."""
    from multiprocessing import forkserver

    settings = {"PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_PARENT), os.environ.get("PYTHONPATH")])),
                LAYOUTS_ONLY: "1" if only_layouts else None}
    before = {name: os.environ.get(name) for name in settings}
    _set_environment(settings)
    try:
        forkserver.ensure_running()
    finally:
        _set_environment(before)


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def start_pool(jobs: int | None = None) -> Executor:
    """Worker processes for `jobs` jobs at a time (default: one per core)."""
    jobs = jobs or worker_count()
    pool: Executor = InProcess()
    if jobs > 1:
        scratch = tempfile.mkdtemp(prefix="anthology-workers-")
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            processes = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_started,
                                            initargs=(scratch,))
            pool = Ranked(processes, jobs, Path(scratch))
        except (OSError, ImportError, ValueError):  # no shared memory for its queues (some containers)
            shutil.rmtree(scratch, ignore_errors=True)
        except BaseException:  # Ctrl-C
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    return pool
