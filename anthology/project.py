"""The project folder as the boundary of what the build reads.

A pulled repository can carry symbolic links: one in `templates/`, `styles/` or `fonts/` that
leads to `~/.ssh/id_rsa` or another project's files would put that file's content into the EPUB,
or its bytes into the PDF. So every file the build reads from the project's folders is resolved
here, links followed, and refused unless it lies inside the project: one line that names the
link and where it leads (exit 2), rather than a book that quietly carries someone else's file.
(The manifest resolves the files it names, the texts among them, the same way.)
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ProjectFileError


def inside_project(root: Path, path: Path | str) -> Path:
    """`path` (absolute, or relative to the project folder `root`) resolved, symbolic links
    followed; ProjectFileError unless it lies inside `root`. A file that does not exist passes
    (whoever reads it says so)."""
    root = Path(root)
    resolved = (root / path).resolve()
    if resolved.is_relative_to(root.resolve()):
        return resolved
    raise ProjectFileError(
        f"{project_name(root, path)}: leads outside the project (to {resolved}) through a symbolic link; "
        "the build reads only files inside the project folder: put the file itself in place of the link")


def project_name(root: Path, path: Path | str) -> str:
    """How a message names `path`: relative to the project folder as the user sees it (links not
    followed), `templates/cover.html.j2`; the path as given if it is not in the project at all."""
    lexical = Path(os.path.normpath(Path(root).absolute() / path))
    for base in (Path(os.path.normpath(Path(root).absolute())), Path(root).resolve()):
        if lexical.is_relative_to(base):
            return lexical.relative_to(base).as_posix()
    return str(path)


def lexically_inside(root: Path, path: Path | str) -> bool:
    """Whether `path` names a place inside `root` before any link is followed: a file of the
    project (which must then not lead outside), not some other file on the machine."""
    return Path(os.path.normpath(Path(root).absolute() / path)).is_relative_to(Path(root).absolute())
