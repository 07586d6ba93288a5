"""PNG pages of a PDF (pdftoppm), so authors can look without a PDF viewer.

The pages are made from the PDF before it replaces the old one: a preview that cannot be
written (an unwritable folder, pdftoppm failing) leaves the existing PDF and pages as they were.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ...parse.diagnostics import error


def write_preview(pdf: Path, folder: Path, dpi: int, stem: str | None = None) -> list[Path]:
    """Render every page of ``pdf`` to ``folder/<stem>-<n>.png``; return the files in order."""
    stem = stem or pdf.stem
    tool = shutil.which("pdftoppm")
    if tool is None:
        why = "pdftoppm (poppler-utils) is needed for --preview"
        raise error(str(folder), 1, 1, "preview", why)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{stem}.", suffix=".preview", dir=folder))
    try:
        done = subprocess.run(
            [tool, "-png", "-r", str(dpi), str(pdf), str(staging / stem)],
            check=False,
            capture_output=True,
            timeout=300,
        )
        if done.returncode != 0:
            why = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise error(str(folder), 1, 1, "preview", f"pdftoppm failed: {why}")
        for old in folder.glob(f"{stem}-*.png"):
            old.unlink()  # pages of an earlier, longer version must not linger
        for page in sorted(staging.iterdir()):
            os.replace(page, folder / page.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(folder.glob(f"{stem}-*.png"))
