"""What the workers' fork server loads before it forks them (anthology/workers.py, `PRELOAD`): each
worker then starts with it in memory, shared with the others until written to, instead of loading
it for itself.

- the build's code, and WeasyPrint with the build's changes to it (0.7 s of CPU a worker);
- the English word frequencies that the cleaning passes and the glossary look words up in
  (anthology/prose.py; a third of a second a worker, and the same table in each), unless no
  worker will read a text (`workers.LAYOUTS_ONLY` in the environment: one text changed, read in
  the build's own process, whose layout waits for the server).

Imported for these effects by the fork server only: the build's own process loads each of these
when it first needs it.

Ctrl-C reaches the server too (it is in the terminal's process group). Once loaded, the server
ignores it; while it loads (about half a second), it ends as soon as the step under way is done
(importing the package, WeasyPrint, the word frequencies) and says nothing: the build's own
process says the build was interrupted. Not at once, in the middle of a step: loading WeasyPrint
looks its libraries up with `ctypes.util.find_library`, which asks the C compiler with a
temporary file it removes only when the compiler is done, and a server ended in between left that
file in TMPDIR."""
import os
import signal

_interrupted: int | None = None
"""The signal that asked the server to end while it loads."""


def _note_interruption(signum, frame) -> None:
    """The server's Ctrl-C handler while it loads: end after the step under way (`_step_done`)."""
    global _interrupted
    _interrupted = signum


def _step_done() -> None:
    """End now, without Python's traceback, if Ctrl-C came during the step just done."""
    if _interrupted is not None:
        os._exit(128 + _interrupted)


signal.signal(signal.SIGINT, _note_interruption)
try:
    from . import pipeline  # noqa: F401
    from .prose import load_frequencies
    from .workers import LAYOUTS_ONLY

    _step_done()
    from .render import weasy

    weasy.install_changes()
    _step_done()
    if not os.environ.get(LAYOUTS_ONLY):
        load_frequencies()
        _step_done()
finally:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # what the server's workers start with
