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
