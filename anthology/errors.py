"""Errors a user can act on. Each carries one line that names the file, the place and the problem."""


class AnthologyError(Exception):
    """Base class: the message is shown to the user as is, without a traceback."""

    exit_code = 1


class ManifestError(AnthologyError):
    """The manifest (or a file it names) is wrong; several problems may be listed at once."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class EditorialError(AnthologyError):
    """An editorial entry no longer matches its text (so the text changed, or the entry is wrong)."""

    exit_code = 2


class SourceError(AnthologyError):
    """A source text cannot be read (encoding, size, binary data, structure the reader needs)."""

    exit_code = 2


class ProjectFileError(AnthologyError):
    """A file of the project's folders (a template, a style sheet, a font, an apparatus file)
    cannot be used: it leads outside the project (a symbolic link), or it is broken."""

    exit_code = 2


class TemplateError(ProjectFileError):
    """A template in templates/ does not compile, uses a value it is not given, or reaches for
    something a template may not (Python's internals): `templates/NAME:LINE: what is wrong`."""


class OutputError(AnthologyError):
    """The output folder cannot take the build's outputs (a folder where a file goes, a folder
    that may not be written): nothing in it was changed, and the user must make room."""

    exit_code = 2
