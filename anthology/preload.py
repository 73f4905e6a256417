"""What the workers' fork server loads before it forks them (anthology/workers.py, `PRELOAD`): each
worker then starts with it in memory, shared with the others until written to, instead of loading
it for itself.

- the build's code, and WeasyPrint with the build's changes to it (0.7 s of CPU a worker);
- the English word frequencies that the cleaning passes and the glossary look words up in
  (anthology/prose.py; a third of a second a worker, and the same table in each).

Imported for these effects by the fork server only: the build's own process loads each of these
when it first needs it.

Ctrl-C reaches the server too (it is in the terminal's process group). Once loaded, the server
ignores it; while it loads (a second and a half), it ends at once and says nothing: the build's
own process says the build was interrupted."""
import os
import signal


def _end_quietly(signum, frame) -> None:
    """The server's Ctrl-C handler while it loads: end, without Python's traceback."""
    os._exit(128 + signum)


signal.signal(signal.SIGINT, _end_quietly)
try:
    from . import pipeline  # noqa: F401
    from .prose import load_frequencies
    from .render import weasy

    weasy.install_changes()
    load_frequencies()
finally:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # what the server's workers start with
