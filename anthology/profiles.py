"""Source profiles: what the code would otherwise know about one source site, kept as data.

A site's pages share wording no rule can infer and no single text owns: one archive's navigation
links, one paper's masthead and the way it writes a date. A **profile** is a small YAML file for
one site, `<site>.yml`, that a text names in the manifest (`profile: <site>`). Its keys are
the reader options and editorial keys the readers declare `profile=True` (the profile contract,
`anthology.contracts.profile_fields`; listed in docs/manifest.md), and the manifest checks it like
an editorial file: an unknown key or a value of the wrong type stops the build with the file and
the line.

A profile is looked up first in the project's `profiles/` folder (beside the manifest, kept inside
the project), then among the profiles that come with the build (`anthology/sources/profiles/`).
Its values reach a text's reader as its options and editorial entries do, merged under them: the
text's own value wins, key by key inside a mapping (`merged`). A text without a profile gets the
readers' general behaviour (no site's navigation wording, the general English book-part words).
"""
from __future__ import annotations

import re
from pathlib import Path

from .contracts import Contract
from .project import inside_project

BUILT_IN = Path(__file__).resolve().parent / "sources" / "profiles"
"""The profiles that come with the build, one `<site>.yml` each."""
PROJECT_FOLDER = "profiles"
"""A project's own profiles: `profiles/<site>.yml` beside the manifest, looked up first."""
SUFFIX = ".yml"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""A profile's name: lower-case letters, digits and dashes (a file name, never a path)."""


def find(root: Path, name: str) -> tuple[Path | None, str]:
    """The file of profile `name` and how messages name it (`profiles/x.yml` for the project's,
    `anthology/sources/profiles/x.yml` for a built-in one); (None, "") if there is none. A project
    profile that leads outside the project (a symbolic link) is a ProjectFileError."""
    if not NAME.fullmatch(name):
        return None, ""
    own = Path(root) / PROJECT_FOLDER / f"{name}{SUFFIX}"
    if own.is_file() or own.is_symlink():
        return inside_project(root, own), f"{PROJECT_FOLDER}/{name}{SUFFIX}"
    built_in = BUILT_IN / f"{name}{SUFFIX}"
    if built_in.is_file():
        return built_in, built_in.relative_to(BUILT_IN.parents[2]).as_posix()
    return None, ""


def names(root: Path) -> list[str]:
    """Every profile a text of the project at `root` may name (the project's and the built-in)."""
    folders = (Path(root) / PROJECT_FOLDER, BUILT_IN)
    return sorted({path.stem for folder in folders if folder.is_dir() for path in folder.glob(f"*{SUFFIX}")})


def for_reader(profile: dict, contract: Contract) -> tuple[dict, dict]:
    """The profile's values that the reader with `contract` reads: (options, editorial entries).
    Keys only other readers read are left out (a site's texts may come in several formats)."""
    options = {o.name for o in contract.options if o.profile}
    editorial = {k.name for k in contract.editorial if k.profile}
    return ({k: v for k, v in profile.items() if k in options},
            {k: v for k, v in profile.items() if k in editorial})


def merged(profile: dict, own: dict) -> dict:
    """`own` (the text's options or editorial entries) over `profile`: the text's value wins; two
    mappings are merged key by key, so a text may change one part of a profile's masthead."""
    out = dict(profile)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out
