"""The Jinja environment every template in `templates/` is rendered in.

Templates come in two kinds. HTML templates (the print frame, the cover, the print index, the
cleaning report) are autoescaped. Markdown templates (the openers, the discussion questions, the
preface, the glossary, the EPUB index) write Pandoc Markdown, where HTML escaping would be wrong:
a value is escaped for Markdown with the `|md` filter instead, and the template's last newline
is kept.

Both kinds are the editor's to change, and a pulled repository may carry anyone's, so every
template runs in Jinja's sandbox (no reaching from a value into Python's internals, and so to a
shell), is read only from inside the project (a symbolic link out of it is refused), and may not
use a value it is not given (Jinja would print nothing for it; see `OptionalField`). Whatever goes
wrong in a template is one line, `templates/NAME:LINE: what is wrong` (TemplateError, exit 2).
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.exceptions import SecurityError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from .errors import TemplateError
from .project import inside_project, project_name

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$])")


def md_escape(value: str) -> str:
    """Escape a plain string (from the manifest) for inclusion in Pandoc Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", str(value))


def environment(templates: Path, *, markdown: bool = False) -> "ProjectEnvironment":
    """A Jinja environment for the templates in the folder `templates` (of the project folder
    that holds it): for HTML templates, or with `markdown` for templates that write Pandoc
    Markdown (see the module's docstring)."""
    if not markdown:
        return ProjectEnvironment(templates, autoescape=select_autoescape(["html", "j2"]))
    env = ProjectEnvironment(
        templates,
        autoescape=False,  # these templates write Markdown; values are escaped with |md
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


class OptionalField(StrictUndefined):
    """An undefined value: an error wherever it is used (printed, iterated, compared, called),
    so a misspelt name stops the build instead of printing nothing. One use is allowed: a key
    missing from a mapping tests false, as `{% if book.subtitle %}` asks whether the manifest's
    `book:` has that optional field (printing `{{ book.subtitle }}` without the test is still an
    error when it has not)."""

    def __bool__(self) -> bool:
        if isinstance(self._undefined_obj, Mapping) and self._undefined_exception is UndefinedError:
            return False
        return super().__bool__()


class ProjectLoader(FileSystemLoader):
    """The templates in `templates/`, each refused (before it is read) if it resolves, symbolic
    links followed, outside the project folder that holds `templates/`."""

    def __init__(self, templates: Path):
        super().__init__(templates)
        self.templates = Path(templates)

    def get_source(self, environment, template):
        inside_project(self.templates.parent, self.templates / template)
        return super().get_source(environment, template)


class ProjectTemplate(jinja2.Template):
    """A template whose failures while rendering are one TemplateError naming its line."""

    def render(self, *args, **kwargs) -> str:
        try:
            return super().render(*args, **kwargs)
        except Exception as exc:
            failure = template_failure(exc, self.environment.loader.templates, self.name)
            if failure is None:
                raise
            raise failure from exc


class ProjectEnvironment(SandboxedEnvironment):
    """The sandboxed environment of the project's templates (see the module's docstring)."""

    template_class = ProjectTemplate

    def __init__(self, templates: Path, **options):
        super().__init__(loader=ProjectLoader(templates), undefined=OptionalField, **options)

    def get_template(self, name, parent=None, globals=None):
        """The template `name`, or a TemplateError naming it (a syntax error, with its line; a
        template that is not there). One that another includes (`parent`) fails inside that one's
        render, which names the line of the `{% include %}`."""
        try:
            return super().get_template(name, parent, globals)
        except (TemplateSyntaxError, TemplateNotFound) as exc:
            if parent is not None:
                raise
            raise template_failure(exc, self.loader.templates, name) from exc


def template_failure(exc: Exception, templates: Path, name: str | None) -> TemplateError | None:
    """The one line that says what went wrong in template `name` (in the folder `templates`):
    `templates/NAME:LINE: what is wrong`, the line taken from the error (a syntax error) or from
    the template's deepest frame in the traceback. None for an exception that did not arise in a
    template's own code (an error of the build's own, raised from a function a template calls)."""
    if isinstance(exc, TemplateSyntaxError):
        file, line = exc.filename or str(Path(templates) / (exc.name or name or "")), exc.lineno
        what = f"syntax error: {exc.message}; see https://jinja.palletsprojects.com/templates/"
    else:
        frame = _deepest_template_frame(exc, Path(templates))
        if frame is None:
            if isinstance(exc, TemplateNotFound):
                return TemplateError(f"{project_name(Path(templates).parent, Path(templates) / exc.name)}: "
                                     "no such template; the build needs it: restore it to templates/")
            return None
        file, line, innermost = frame
        if not isinstance(exc, jinja2.TemplateError) and not innermost:
            return None  # raised by Python code the template called, not by the template
        what = _runtime_problem(exc)
    shown = project_name(Path(templates).parent, file)
    return TemplateError(f"{shown}:{line}: {what}" if line else f"{shown}: {what}")


def _runtime_problem(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return f"{str(exc).rstrip('.')}: a template may not reach into Python's internals"
    if isinstance(exc, UndefinedError):
        return f"{exc.message}: the build gives the template no such value (its opening comment says what it is given)"
    if isinstance(exc, TemplateNotFound):
        return f"template {exc.name!r} not found in templates/"
    return f"{type(exc).__name__}: {exc}"


def _deepest_template_frame(exc: Exception, templates: Path) -> tuple[str, int, bool] | None:
    """(file, line, whether it is the traceback's last frame) of the deepest frame that runs a
    template from `templates` (Jinja gives the frames of a template's code its file and line)."""
    found, last = None, None
    folder = os.path.abspath(templates)
    tb = exc.__traceback__
    while tb is not None:
        file = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if file.startswith(folder + os.sep):
            found = (file, tb.tb_lineno)
        last = tb
        tb = tb.tb_next
    if found is None:
        return None
    return found[0], found[1], os.path.abspath(last.tb_frame.f_code.co_filename) == found[0]
