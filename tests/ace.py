"""DAISY Ace (npm ``@daisy/ace-cli``, installed by scripts/setup.sh --test) on an EPUB file.

Ace opens every content document in Chromium (Debian's, not one Puppeteer downloads), runs its
axe-core rules and its own EPUB checks (``epub-lang``, metadata, page lists) and writes an EARL
report. A run takes half a minute or more, so each book is checked once per test module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ACE = Path(__file__).resolve().parent / "js" / "node_modules" / "@daisy" / "ace-cli" / "bin"
CHROMIUM = "/usr/bin/chromium"


def ace_report(epub: Path, out_dir: Path) -> dict[str, Any]:
    """Ace's report (``report.json``) on ``epub``; fails if Ace itself fails."""
    node = shutil.which("node")
    assert node is not None, "Node.js is missing: run scripts/setup.sh --test"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run(
        [node, str(ACE / "ace.js"), "--silent", "--force", "--outdir", str(out_dir), str(epub)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report: dict[str, Any] = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    return report


def violations(report: dict[str, Any]) -> list[str]:
    """Every violation as ``document: rule (impact): description``."""
    return [
        f"{doc['earl:testSubject']['url']}: {found['earl:test']['dct:title']} "
        f"({found['earl:test']['earl:impact']}): {found['earl:result']['dct:description']}"
        for doc in report["assertions"]
        for found in doc["assertions"]
    ]


def checked_documents(report: dict[str, Any]) -> set[str]:
    """The files Ace looked at (package document and content documents), relative to EPUB/."""
    return {
        str(doc["earl:testSubject"]["url"]).strip("/").removeprefix("EPUB/")
        for doc in report["assertions"]
    }
