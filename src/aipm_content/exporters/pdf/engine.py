"""WeasyPrint, imported with a quick library lookup; every module of ours takes it from here.

WeasyPrint opens its seven C libraries (GObject, Pango, HarfBuzz, ...) through cffi, trying
each under several platforms' names; cffi asks ``ctypes.util.find_library`` about every name
that is not a file, and on Linux each miss runs ldconfig, gcc and ld: 54 subprocesses for one
import, a third of its time. The dynamic linker's cache, listed once, gives the same answers
(ctypes reads the same listing first). Should a library not load that way, WeasyPrint is
imported again with the standard lookup, so nothing can work worse than without this.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from typing import Protocol

LDCONFIG = "/sbin/ldconfig"
# ctypes.util's names for this machine's entries in the linker cache.
ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


class FindLibrary(Protocol):
    def __call__(self, name: str) -> str | None: ...


def cached_lookup(listing: str, abi: str) -> FindLibrary:
    """``find_library`` answered from ``ldconfig -p``'s ``listing``, as ctypes.util reads it."""

    def find(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", listing)
        return found.group(1) if found else None

    return find


@contextlib.contextmanager
def quick_library_lookup() -> Iterator[None]:
    """``ctypes.util.find_library`` from one listing of the linker cache, inside the block."""
    if not sys.platform.startswith("linux") or not os.path.exists(LDCONFIG):
        yield
        return
    listing = subprocess.run(
        [LDCONFIG, "-p"], capture_output=True, text=True, check=False, env={"LC_ALL": "C"}
    ).stdout
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    standard = ctypes.util.find_library
    ctypes.util.find_library = cached_lookup(listing, ABI.get(machine, "libc6"))
    try:
        yield
    finally:
        ctypes.util.find_library = standard


def _import_weasyprint() -> None:
    try:
        with quick_library_lookup():
            import weasyprint
    except OSError:
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
        import weasyprint  # noqa: F401


_import_weasyprint()

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.ffi import ffi  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from .cffi_types import quick_sized_arrays  # noqa: E402

quick_sized_arrays(ffi)

__all__ = [
    "CSS",
    "HTML",
    "FatalURLFetchingError",
    "FontConfiguration",
    "URLFetcher",
    "URLFetcherResponse",
]
