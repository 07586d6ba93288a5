"""The commands a run compares: ours (the venv's aipm-export) and pandoc's nearest equivalents."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AIPM = str(BIN / "aipm-export")
# pandoc finds the venv's weasyprint executable, and our commands run the venv's tools.
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
SUFFIX = {"pdf": ".pdf", "epub": ".epub", "json": ".json", "scorm": ".zip"}
FORMATS = ("pdf", "epub", "json", "scorm")


def pandoc_args(fmt: str, source: Path, out: Path) -> list[str | Path]:
    """pandoc's nearest equivalent of each channel (it has no LMS JSON or SCORM writer)."""
    if fmt == "pdf":
        return ["pandoc", source, "--pdf-engine=weasyprint", "-o", out]
    if fmt == "json":
        return ["pandoc", source, "-t", "json", "-o", out]
    if fmt == "scorm":
        return ["pandoc", source, "-s", "-t", "html5", "-o", out.with_suffix(".html")]
    return ["pandoc", source, "-o", out]


PANDOC_LABEL = {
    "pdf": "pandoc --pdf-engine=weasyprint",
    "epub": "pandoc -o .epub",
    "json": "pandoc -t json (AST, nearest)",
    "scorm": "pandoc -s -t html5 (nearest)",
}


def pdf_pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(path).pages) if path.is_file() else None
