"""PNG pages of a written PDF (pdftoppm), so authors can look without a PDF viewer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ...parse.diagnostics import error


def write_preview(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    """Render every page of ``pdf`` to ``folder/<stem>-<n>.png``; return the files in order."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        why = "pdftoppm (poppler-utils) is needed for --preview"
        raise error(str(folder), 1, 1, "preview", why)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / pdf.stem
    for old in folder.glob(f"{pdf.stem}-*.png"):
        old.unlink()  # pages of an earlier, longer version must not linger
    subprocess.run(
        [tool, "-png", "-r", str(dpi), str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return sorted(folder.glob(f"{pdf.stem}-*.png"))
