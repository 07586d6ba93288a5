"""imsmanifest.xml for SCORM 1.2 and 2004 4th Edition, and the checks the XSDs leave out.

The manifest is rendered with Jinja2 (autoescaped) from a template per version. LOM metadata
stays out: the 1.2 LOM schema is non-deterministic and lxml refuses it, and LMSs read the title
from the organization anyway.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ...model.course import Course
from ...model.lesson import Lesson
from ...render.template_cache import template_cache
from .limits import Version

LAUNCH = "index.html"
MANIFEST = "imsmanifest.xml"

NS_CP = {
    "1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "2004": "http://www.imsglobal.org/xsd/imscp_v1p1",
}
NS_ADLCP = {
    "1.2": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "2004": "http://www.adlnet.org/xsd/adlcp_v1p3",
}
NS_IMSSS = "http://www.imsglobal.org/xsd/imsss"
SCORM_TYPE_ATTR = {"1.2": "scormtype", "2004": "scormType"}


@cache
def manifest_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        bytecode_cache=template_cache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def manifest_xml(
    lesson: Lesson | Course, version: Version, mastery_score: int | None, files: Iterable[str]
) -> bytes:
    """The manifest of a one-SCO package launching ``index.html`` and listing ``files``."""
    ids = {
        "manifest": f"aipm-{lesson.id}",
        "organization": f"org-{lesson.id}",
        "item": f"item-{lesson.id}",
        "resource": f"sco-{lesson.id}",
        "objective": f"{lesson.id}-mastery",
    }
    text = (
        manifest_environment()
        .get_template(f"manifest-{version}.xml.j2")
        .render(
            ids=ids,
            title=lesson.title,
            launch=LAUNCH,
            files=sorted(files),
            mastery_score=mastery_score,
            scaled_passing=scaled_measure(mastery_score),
        )
    )
    return text.encode("utf-8")


def scaled_measure(mastery_score: int | None) -> str | None:
    """70 -> "0.7": the 2004 minNormalizedMeasure for a 0-100 mastery score."""
    if mastery_score is None:
        return None
    return f"{mastery_score / 100:.2f}".rstrip("0").rstrip(".") or "0"


def manifest_problems(
    xml: bytes, version: Version, files: Iterable[str] | None = None
) -> list[str]:
    """What the IMS/ADL XSDs cannot see: attribute spelling, dangling references, bad numbers.

    Returns an empty list for a good manifest. ``files``, when given, are the package's entries:
    every ``file@href`` and the launch ``href`` must be one of them.
    """
    problems: list[str] = []
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    cp, adlcp = NS_CP[version], NS_ADLCP[version]
    if root.tag != f"{{{cp}}}manifest":
        problems.append(
            f"root element is {root.tag}, expected the {version} manifest namespace {cp}"
        )

    good_attr = SCORM_TYPE_ATTR[version]
    bad_attr = SCORM_TYPE_ATTR["2004" if version == "1.2" else "1.2"]
    resources = {r.get("identifier"): r for r in root.iter(f"{{{cp}}}resource")}
    for ident, res in resources.items():
        wrong = [a for a in res.attrib if a.rpartition("}")[2] == bad_attr]
        if wrong:
            problems.append(
                f"resource {ident}: SCORM {version} spells adlcp:{good_attr}, not {bad_attr}"
            )
        kind = res.get(f"{{{adlcp}}}{good_attr}")
        if kind not in ("sco", "asset"):
            problems.append(
                f"resource {ident}: adlcp:{good_attr} must be sco or asset, found {kind!r}"
            )

    organizations = root.find(f"{{{cp}}}organizations")
    org_ids = {o.get("identifier") for o in root.iter(f"{{{cp}}}organization")}
    default = organizations.get("default") if organizations is not None else None
    if default is not None and default not in org_ids:
        problems.append(f"organizations@default {default!r} names no organization")
    for item in root.iter(f"{{{cp}}}item"):
        ref = item.get("identifierref")
        if ref is not None and ref not in resources:
            problems.append(
                f"item {item.get('identifier')}: identifierref {ref!r} names no resource"
            )
    for dep in root.iter(f"{{{cp}}}dependency"):
        if dep.get("identifierref") not in resources:
            problems.append(f"dependency {dep.get('identifierref')!r} names no resource")

    if version == "1.2":
        for mastery in root.iter(f"{{{adlcp}}}masteryscore"):
            if not _number_in(mastery.text, 0, 100):
                problems.append(
                    f"adlcp:masteryscore {mastery.text!r} is not a number from 0 to 100"
                )
    else:
        for measure in root.iter(f"{{{NS_IMSSS}}}minNormalizedMeasure"):
            if not _number_in(measure.text, -1, 1):
                problems.append(
                    f"imsss:minNormalizedMeasure {measure.text!r} is not a number from -1 to 1"
                )

    if files is not None:
        present = set(files)
        for res in resources.values():
            hrefs = [res.get("href")] + [f.get("href") for f in res.iter(f"{{{cp}}}file")]
            problems.extend(
                f"resource {res.get('identifier')}: {href!r} is not in the package"
                for href in hrefs
                if href is not None and href not in present
            )
    return problems


def _number_in(text: str | None, low: float, high: float) -> bool:
    try:
        value = float((text or "").strip())
    except ValueError:
        return False
    return math.isfinite(value) and low <= value <= high
