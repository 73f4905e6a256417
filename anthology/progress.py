"""Showing what the build is doing: one line per stage with its time, live on a terminal (rich)
and as plain lines elsewhere (CI, a log file), then a summary of the outputs and warnings."""
from __future__ import annotations

import contextlib
import resource
import sys
import time
from dataclasses import dataclass, field


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Progress:
    quiet: bool = False
    stream: object = None
    timings: dict[str, float] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    current: str | None = None
    """The stage under way; after a failure, the stage it happened in (for the error line)."""

    def __post_init__(self):
        self.stream = self.stream or sys.stdout
        self._console = None
        if not self.quiet and getattr(self.stream, "isatty", lambda: False)():
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False)

    @contextlib.contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        outer, self.current = self.current, name
        if self._console is not None:
            with self._console.status(f"{name}…"):
                yield
        else:
            yield
        self.current = outer  # only when the stage ended well: after a failure it names the stage
        elapsed = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        self.memory[name] = peak_memory_mb()
        self.say(f"  {name:<28} {elapsed:6.2f} s")

    def record(self, name: str, seconds: float) -> None:
        """A stage that ran alongside the others (in another thread or process), timed by itself."""
        self.timings[name] = seconds
        self.say(f"  {name:<28} {seconds:6.2f} s")

    def say(self, line: str) -> None:
        if self.quiet:
            return
        if self._console is not None:
            self._console.print(line)
        else:
            print(line, file=self.stream, flush=True)
