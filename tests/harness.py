"""Running the CLI in a fresh interpreter under a harness: a script that gets a file to write
what it saw to (argv[1]), then the CLI's arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def recorded(
    tmp_path: Path,
    harness: str,
    *args: str,
    codes: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
) -> Any:
    """What ``harness`` records as JSON (in the file it is given) when it runs ``args``, with
    ``env`` added to the environment."""
    record = tmp_path / "record.json"
    run = subprocess.run(
        [sys.executable, "-c", harness, str(record), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
    )
    assert run.returncode in codes, run.stdout + run.stderr
    return json.loads(record.read_text(encoding="utf-8"))
