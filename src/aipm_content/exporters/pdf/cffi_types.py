"""WeasyPrint's sized C arrays typed without pycparser.

cffi turns a C type written as text into its type object by running pycparser over the text
after declaring every typedef of WeasyPrint's declarations again: ~6 ms a type, once a
process for each distinct text. WeasyPrint asks for ``hb_codepoint_t[N]`` with the number of
glyphs to keep for every font it subsets, a new N nearly every time: ~16 parses, ~0.1 s of
CPU, in every PDF export. ``T[N]`` is the type of ``T[]`` (parsed once) with its length, which
is what cffi's own parse gives (tests/test_pdf_engine.py compares the two); any other text is
parsed as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

SIZED_ARRAY = re.compile(r"(?P<item>[A-Za-z_][A-Za-z0-9_ ]*?) ?\[(?P<length>[0-9]{1,9})\]")


def quick_sized_arrays(ffi: Any) -> None:
    """Give ``ffi``'s parser the quick path for ``T[N]`` (once; nothing if cffi's parser is
    not where cffi 1.x and 2.x keep it)."""
    from cffi import model

    parser: Any = getattr(ffi, "_parser", None)
    parse = getattr(parser, "parse_type", None)
    if parse is None or getattr(parse, "quick", False):
        return
    parser.parse_type = _quick(parse, model.ArrayType)


def _quick(parse: Callable[[str], Any], array: Any) -> Callable[[str], Any]:
    open_arrays: dict[str, Any] = {}

    def parse_type(cdecl: str) -> Any:
        match = SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match is None:
            return parse(cdecl)
        item = match["item"]
        if item not in open_arrays:
            open_arrays[item] = parse(f"{item}[]")
        unsized: Any = open_arrays[item]
        if type(unsized) is not array or unsized.length is not None:
            return parse(cdecl)
        return array(unsized.item, int(match["length"]))

    parse_type.quick = True  # type: ignore[attr-defined]
    parse_type.original = parse  # type: ignore[attr-defined]
    return parse_type
