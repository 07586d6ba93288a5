"""Running the CLI in-process, and reading what a failed run says: located error lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from click.testing import CliRunner, Result

from aipm_content.cli import main as cli
from hostile_corpus import time_limit

LOCATED = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z0-9-]+)\]: \S.*$"
)
SUMMARY = re.compile(r"^\d+ errors?(, \d+ warnings?)?$")
WARNING = re.compile(r"^.+?:\d+:\d+: warning\[[a-z0-9-]+\]: \S.*$")
SENTINEL = b"an earlier export: a failed run must leave these bytes alone\n"
TIME_LIMIT = 60.0
"""CPU seconds one in-process run may take before it counts as a hang."""


def run_cli(args: list[str]) -> Result:
    with time_limit(TIME_LIMIT):
        return CliRunner().invoke(cli, args, catch_exceptions=True)


@dataclass(frozen=True)
class Located:
    path: str
    line: int
    col: int
    code: str


def located_errors(stderr: str) -> list[Located]:
    """The errors of a failed run; every other line must be a warning or the summary."""
    found = []
    for line in stderr.splitlines():
        match = LOCATED.match(line)
        if match:
            found.append(
                Located(match["path"], int(match["line"]), int(match["col"]), match["code"])
            )
        else:
            assert SUMMARY.match(line) or WARNING.match(line), f"not located: {line!r}"
    return found


def assert_no_crash(result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped the CLI: {result.exception!r}")
    assert result.exit_code in (0, 2), f"exit {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
