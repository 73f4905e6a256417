"""Writing outputs atomically: a failed build must leave yesterday's good file where it was."""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; move it into place only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


class Staging:
    """Every output of one build, written into a hidden folder and moved into `output/` together
    only when the whole build has succeeded; a failed build removes the folder and leaves
    `output/` exactly as it was (yesterday's good EPUB stays where it was)."""

    def __init__(self, out: Path):
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out.name}: is a file, where the build makes its output folder: move or "
                              f"remove it")
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            self.dir = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        except OSError as exc:
            raise OutputError(f"{self.out.name}/: the build cannot write in it ({exc.strerror or exc}): make it "
                              f"a folder you may write to") from exc
        self.files: list[Path] = []
        self.kept = False
        """True when a failed commit could not put every old output back: they are left here."""

    def path(self, relative: str) -> Path:
        """Where to write the output that will end up at `output/<relative>`."""
        target = self.dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.files.append(Path(relative))
        return target

    def commit(self) -> dict[str, Path]:
        """Move every output into `output/`, all or none. What could stop a move (a folder where a
        file goes) is looked for first; then each old output is moved aside, into this folder,
        before the new one takes its place, and should any move still fail (or Ctrl-C come), every
        move made is undone, so `output/` is as it was. Raises OutputError naming the path."""
        relatives = list(dict.fromkeys(self.files))
        self._check_room(relatives)
        previous = Path(tempfile.mkdtemp(prefix=".previous-", dir=self.dir))
        moves: list[_Move] = []
        made: list[Path] = []
        relative = relatives[0] if relatives else Path()
        try:
            for relative in relatives:
                move = _Move(self.dir / relative, self.out / relative, previous / relative)
                made += _make_folders(move.final.parent)
                moves.append(move)
                move.run()
        except BaseException as exc:
            undone = self._undo(moves, made, previous)
            if isinstance(exc, OSError):
                raise OutputError(f"{self._shown(relative)}: cannot be replaced ({exc.strerror or exc}): make sure "
                                  f"the build may write there; {undone}") from exc
            raise
        self.discard()
        return {relative.as_posix(): self.out / relative for relative in relatives}

    def _check_room(self, relatives: list[Path]) -> None:
        """Each output's place can take it: no folder where a file goes, no file where a folder
        goes, no folder the build may not write to. Checked before anything is moved."""
        for relative in relatives:
            for folder in reversed([p for p in relative.parents if p != Path(".")]):
                if (self.out / folder).exists() and not (self.out / folder).is_dir():
                    raise OutputError(f"{self._shown(folder)}: is a file, where the build makes a folder: move or "
                                      f"remove it; {self.out.name}/ is as it was")
            final = self.out / relative
            if final.is_dir() and not final.is_symlink():
                raise OutputError(f"{self._shown(relative)}: is a folder, where the build writes a file: move or "
                                  f"remove it; {self.out.name}/ is as it was")
            folder = next(p for p in [final.parent, *final.parent.parents] if p.exists())
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(f"{self._shown(folder.relative_to(self.out))}: the build may not write in it: "
                                  f"make it writable; {self.out.name}/ is as it was")

    def _undo(self, moves: list["_Move"], made: list[Path], previous: Path) -> str:
        """Every move undone, last first; says what became of `output/`."""
        failed = []
        for move in reversed(moves):
            try:
                move.undo()
            except OSError:
                failed.append(move.final)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if not failed:
            return f"{self.out.name}/ is as it was"
        self.kept = True
        return (f"{len(failed)} old output(s) could not be put back: they are in "
                f"{self._shown(previous.relative_to(self.out))}/")

    def _shown(self, relative: Path) -> str:
        """An output's place as the user knows it: `output/clean/one.md`."""
        return f"{self.out.name}/" if relative == Path(".") else f"{self.out.name}/{relative.as_posix()}"

    def discard(self) -> None:
        import shutil

        if not self.kept:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.discard()
        return False


@dataclass
class _Move:
    """One output moved into its place, the old file there (if any) first moved `aside`."""

    staged: Path
    final: Path
    aside: Path

    def run(self) -> None:
        if self.final.exists() or self.final.is_symlink():
            self.aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.final, self.aside)
        os.replace(self.staged, self.final)

    def undo(self) -> None:
        """Put the old file back, or take the new one away, whatever point `run` reached (it may
        have been stopped between its two moves)."""
        if self.aside.exists() or self.aside.is_symlink():
            os.replace(self.aside, self.final)
        elif not self.staged.exists():  # the new file was placed where there was none
            self.final.unlink(missing_ok=True)


def _make_folders(folder: Path) -> list[Path]:
    """`folder` and any missing folder above it made; returns those made, the outermost first."""
    missing = [f for f in [folder, *folder.parents] if not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))
