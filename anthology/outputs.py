"""Writing outputs atomically: a failed build must leave yesterday's good file where it was."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
        self.out.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        self.files: list[Path] = []

    def path(self, relative: str) -> Path:
        """Where to write the output that will end up at `output/<relative>`."""
        target = self.dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.files.append(Path(relative))
        return target

    def commit(self) -> dict[str, Path]:
        placed = {}
        for relative in self.files:
            final = self.out / relative
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.dir / relative, final)
            placed[relative.as_posix()] = final
        self.discard()
        return placed

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.discard()
        return False
