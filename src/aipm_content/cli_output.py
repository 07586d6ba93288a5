"""How ``aipm-export`` speaks: messages, diagnostics and exit statuses (0 ok, 2 the input has
problems, 1 an internal fault), never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .parse.diagnostics import Diagnostic, LessonError, count_summary, printable

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


@cache
def console(stderr: bool = False) -> Console:
    """rich's console on stdout or stderr, made when first needed: colour and trees need it,
    plain messages do not (start-up: a command that only says "ok" never imports rich)."""
    from rich.console import Console

    # emoji=False: rich would otherwise print a message's ":id:" (or a lesson's ":fire:") as
    # an emoji.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def say(text: str) -> None:
    """Print a message verbatim: no markup, and file names' control characters escaped (what
    rich printed for it, unstyled, byte for byte)."""
    click.echo(printable(text))


def report(diagnostics: list[Diagnostic]) -> None:
    """Print every diagnostic, one per line, in the compiler-style format, then the counts."""
    err_console = console(stderr=True)
    for diagnostic in diagnostics:
        colour = "red" if diagnostic.is_error else "yellow"
        err_console.print(
            str(diagnostic), markup=False, style=colour if err_console.is_terminal else None
        )
    err_console.print(count_summary(diagnostics), markup=False)


def settle(diagnostics: list[Diagnostic], strict: bool) -> None:
    """Raise if there are errors (or, with ``strict``, warnings); else print the warnings."""
    if strict:
        diagnostics = [d.as_error() for d in diagnostics]
    if any(d.is_error for d in diagnostics):
        raise LessonError(diagnostics)
    if diagnostics:
        report(sorted(diagnostics))


STRICT_HELP = "Treat warnings as errors (exit status 2)."
OPTIONAL_MODULES = {
    "weasyprint": "pdf",
    "ebooklib": "epub",
    "playwright": "preview",
    "uvicorn": "preview",
    "starlette": "preview",
    "watchfiles": "preview",
}
"""Libraries installed only by an extra, and the extra that installs each."""


def missing_extra(exc: ModuleNotFoundError) -> Diagnostic | None:
    """The located error for a library the command needs from an extra that is not installed."""
    module = (exc.name or "").partition(".")[0]
    extra = OPTIONAL_MODULES.get(module)
    if extra is None:
        return None
    message = (
        f"this command needs {module}, which is not installed; "
        f"install the {extra!r} extra: pip install 'aipm-content[{extra}]' (or [all])"
    )
    return Diagnostic("<command line>", 1, 1, "missing-extra", message)


def guarded(func: F) -> F:
    """Turn LessonError into exit 2 and unexpected faults into exit 1, never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LessonError as exc:
            report(exc.diagnostics)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except ModuleNotFoundError as exc:
            found = missing_extra(exc)
            if found is None:
                internal_error(exc)
            report([found])
            sys.exit(2)
        except Exception as exc:
            internal_error(exc)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


def internal_error(exc: Exception) -> NoReturn:
    """Exit 1 with one line naming the fault (our bug, not the author's)."""
    fault = printable(f"internal error: {type(exc).__name__}: {exc}")
    console(stderr=True).print(fault, markup=False)
    console(stderr=True).print("please report this with the lesson that caused it", markup=False)
    sys.exit(1)


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 module``, ``2 modules``."""
    return f"{count} {one if count == 1 else many or one + 's'}"
