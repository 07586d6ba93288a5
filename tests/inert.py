"""What makes an output inert: no script from a source, no on* attribute, no javascript:,
vbscript: or data: URL, no file from outside the lesson's folder (tests/test_hostile.py and
tests/test_fuzz.py check every output of the hostile corpus and of fuzzed lessons with these).
"""

from __future__ import annotations

import io
import json
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
from lxml import etree
from lxml import html as lxml_html

from aipm_content.render.labels import typeset

SRC = Path(__file__).resolve().parent.parent / "src" / "aipm_content"
SECRET = b"\x89PNG\r\n\x1a\n" + b"TOP-SECRET: this file lies outside the lesson's folder"
"""The outside file's bytes: no output may hold them."""

# Markup from the corpus that must never reach an output unescaped.
HOSTILE_MARKUP = re.compile(
    r"<script>alert|<img src=x|<iframe|<svg[ /]onload|</script><script>|<svg onload", re.I
)
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "data", "background", "cite", "srcset"}
)
FORBIDDEN_ELEMENTS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: it drops whitespace and control characters first."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


def assert_inert_tree(root: Any, where: str, package: set[str] | None = None) -> None:
    """No element, attribute or URL of an (X)HTML or SVG tree can run code.

    A script is allowed only as a reference to a file of the package (the player's own code) or
    as JSON data with every ``<`` escaped.
    """
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        assert name not in FORBIDDEN_ELEMENTS, f"{where}: <{name}>"
        if name == "script":
            src = element.get("src")
            if src is not None:
                assert url_scheme(src) is None and package is not None and src in package, (
                    f"{where}: script {src!r} is not a file of the package"
                )
            else:
                assert element.get("type") == "application/json", f"{where}: inline script"
                assert "<" not in (element.text or ""), f"{where}: unescaped < in JSON data"
        if name == "meta":
            assert (element.get("http-equiv") or "").lower() != "refresh", where
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            assert not local.startswith("on"), f"{where}: <{name} {local}=...>"
            assert local != "srcdoc", f"{where}: srcdoc"
            if local in URL_ATTRIBUTES:
                assert url_scheme(value) not in DANGEROUS_SCHEMES, f"{where}: {local}={value!r}"
            if local == "style":
                lowered = value.lower()
                assert "javascript:" not in lowered and "expression(" not in lowered, where


def assert_inert_markup(data: bytes, where: str, package: set[str] | None = None) -> None:
    text = data.decode("utf-8")
    found = HOSTILE_MARKUP.search(text)
    assert found is None, f"{where}: source markup {found.group() if found else ''!r} got through"
    if where.endswith((".xhtml", ".svg", ".opf", ".ncx", ".xml")):
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    else:
        root = lxml_html.document_fromstring(text)
    assert_inert_tree(root, where, package)


def html_fields(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "html" and isinstance(item, str):
                yield item
            else:
                yield from html_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from html_fields(item)


def assert_inert_json(data: bytes) -> None:
    for fragment in html_fields(json.loads(data)):
        assert HOSTILE_MARKUP.search(fragment) is None, fragment
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        assert_inert_tree(root, f"html field {fragment[:60]!r}")


def assert_safe_entries(archive: zipfile.ZipFile, where: str) -> None:
    """Relative names, no "..", no absolute or drive paths, no symlinks, nothing from outside."""
    for info in archive.infolist():
        name = info.filename
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name, f"{where}: {name}"
        assert ".." not in parts and not re.match(r"^[A-Za-z]:", name), f"{where}: {name}"
        assert not stat.S_ISLNK(info.external_attr >> 16), f"{where}: {name} is a symlink"
        assert SECRET not in archive.read(name), f"{where}: {name} holds the outside file"


def shipped_file(name: str, data: bytes) -> bool:
    """Whether ``data`` is a file the package ships as is (the player's own script, a theme,
    with the shared font stacks written in)."""
    return any(
        data in (p.read_bytes(), typeset(p.read_text("utf-8")).encode("utf-8"))
        for p in SRC.rglob(Path(name).name)
        if p.is_file()
    )


def assert_inert_zip(data: bytes, fmt: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert_safe_entries(archive, fmt)
        names = set(archive.namelist())
        for name in sorted(names):
            content = archive.read(name)
            where = f"{fmt}:{name}"
            if name.endswith((".js", ".css")):
                assert shipped_file(name, content), f"{where} is not a shipped file"
            elif name.endswith((".xhtml", ".html", ".htm", ".svg")):
                assert_inert_markup(content, where, names)
            elif name.endswith((".opf", ".ncx", ".xml")):
                assert_inert_markup(content, where)


def assert_inert_pdf(data: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog: Any = reader.trailer["/Root"]
    assert "/AA" not in catalog and "/OpenAction" not in catalog
    names = catalog.get("/Names")
    assert names is None or "/JavaScript" not in names.get_object()
    for page in reader.pages:
        assert "/AA" not in page
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            assert kind in ("/URI", "/GoTo"), f"PDF action {kind}"
            if kind == "/URI":
                uri = str(action["/URI"])
                assert url_scheme(uri) in ("http", "https", "mailto"), f"PDF link {uri!r}"
