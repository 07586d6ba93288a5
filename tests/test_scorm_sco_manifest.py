"""A course as one SCO per lesson (issue 13, item 2): the package's manifest and files.

Both versions, with and without ``--forward-only``: valid against the ADL XSDs, one organization
with the course and modules as non-launchable items, every file of every SCO listed (shared
files once, through an asset resource), the 2004 sequencing and 1.2 prerequisites, images of two
lessons kept apart, bad input refused. The lessons in a browser: test_scorm_sco_per_lesson.py.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from aipm_content import export, load_course
from aipm_content.cli import main
from aipm_content.exporters.scorm.limits import Version
from aipm_content.exporters.scorm.manifest import NS_ADLCP, NS_CP, NS_IMSSS, manifest_problems
from aipm_content.model.course import Course
from conftest import ROOT
from lms.player import VERSIONS
from test_scorm_course import write_course
from test_scorm_manifest import schemas, validate  # noqa: F401 (schemas is a fixture)

COURSE = ROOT / "content" / "course.yml"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
MODES = [(v, f) for v in VERSIONS for f in (False, True)]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(COURSE)


@pytest.fixture(scope="module")
def zips(course: Course, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Path]:
    out = tmp_path_factory.mktemp("sco-per-lesson")
    return {
        (v, f): export(
            course,
            "scorm",
            out / f"course-{v}-{f}.zip",
            scorm=v,
            sco_per_lesson=True,
            forward_only=f,
        )
        for v, f in MODES
    }


def tree(path: Path) -> tuple[ET.Element, list[str]]:
    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read("imsmanifest.xml")), archive.namelist()


@pytest.mark.parametrize(("version", "forward_only"), MODES)
def test_manifest_is_valid_and_lists_every_file(
    version: Version,
    forward_only: bool,
    zips: dict[tuple[str, bool], Path],
    schemas: dict[str, etree.XMLSchema],  # noqa: F811
    course: Course,
) -> None:
    path = zips[(version, forward_only)]
    with zipfile.ZipFile(path) as archive:
        xml, names = archive.read("imsmanifest.xml"), archive.namelist()
    assert validate(schemas[version], xml) == []
    assert manifest_problems(xml, version, names) == []
    root, _ = tree(path)
    cp, adlcp = NS_CP[version], NS_ADLCP[version]
    spelled = "scormtype" if version == "1.2" else "scormType"
    (org,) = root.iter(f"{{{cp}}}organization")
    (top,) = org.findall(f"{{{cp}}}item")
    modules = top.findall(f"{{{cp}}}item")
    assert top.get("identifierref") is None  # the course: one non-launchable root
    assert [m.get("identifierref") for m in modules] == [None] * len(course.modules)
    lessons = [i for m in modules for i in m.findall(f"{{{cp}}}item")]
    assert [i.get("identifier") for i in lessons] == [f"item-{x.id}" for x in course.lessons]
    resources = {r.get("identifier"): r for r in root.iter(f"{{{cp}}}resource")}
    listed: set[str] = set()
    for item, lesson in zip(lessons, course.lessons, strict=True):
        res = resources[item.get("identifierref")]
        assert res.get(f"{{{adlcp}}}{spelled}") == "sco"
        assert res.get("href") == f"lessons/{lesson.id}/index.html"
        own = {str(f.get("href")) for f in res.iter(f"{{{cp}}}file")}
        assert all(name.startswith(f"lessons/{lesson.id}/") for name in own)
        (dep,) = res.iter(f"{{{cp}}}dependency")
        shared = resources[dep.get("identifierref")]
        assert shared.get(f"{{{adlcp}}}{spelled}") == "asset"
        listed |= own | {str(f.get("href")) for f in shared.iter(f"{{{cp}}}file")}
    assert listed == set(names) - {"imsmanifest.xml"}
    # Shared assets once: one stylesheet and one copy of each script in the zip.
    assert sum(1 for n in names if n.endswith("player.css")) == 1
    assert sum(1 for n in names if n.endswith("/player.js")) == 1
    again = export(
        course,
        "scorm",
        path.with_name("again.zip"),
        scorm=version,
        sco_per_lesson=True,
        forward_only=forward_only,
    )
    assert again.read_bytes() == path.read_bytes()


def _sequencing(item: ET.Element) -> ET.Element:
    found = item.find(f"{{{NS_IMSSS}}}sequencing")
    assert found is not None
    return found


@pytest.mark.parametrize("forward_only", [False, True])
def test_2004_sequencing(
    forward_only: bool, zips: dict[tuple[str, bool], Path], course: Course
) -> None:
    root, _ = tree(zips[("2004", forward_only)])
    cp, ss = NS_CP["2004"], NS_IMSSS
    (top,) = root.iter(f"{{{cp}}}organization")
    (course_item,) = top.findall(f"{{{cp}}}item")
    modules = course_item.findall(f"{{{cp}}}item")
    for cluster in [course_item, *modules]:
        mode = _sequencing(cluster).find(f"{{{ss}}}controlMode")
        assert mode is not None
        assert (mode.get("choice"), mode.get("flow")) == (str(not forward_only).lower(), "true")
        rules = _sequencing(cluster).findall(f"{{{ss}}}rollupRules/{{{ss}}}rollupRule")
        completed = [
            r
            for r in rules
            if r.get("childActivitySet") == "all"
            and r.find(f"{{{ss}}}rollupAction").get("action") == "completed"  # type: ignore[union-attr]
        ]
        assert len(completed) == 1
    primary = _sequencing(course_item).find(f"{{{ss}}}objectives/{{{ss}}}primaryObjective")
    assert primary is not None and primary.get("satisfiedByMeasure") == "true"
    assert primary.findtext(f"{{{ss}}}minNormalizedMeasure") == "0.8"

    lessons = [i for m in modules for i in m.findall(f"{{{cp}}}item")]
    writes: dict[str, str] = {}  # global objective -> the lesson writing it
    reads: dict[str, tuple[str, str]] = {}  # lesson -> (local objective, global) it reads
    for item in lessons:
        for obj in _sequencing(item).iter(f"{{{ss}}}objective"):
            info = obj.find(f"{{{ss}}}mapInfo")
            assert info is not None
            if info.get("writeSatisfiedStatus") == "true":
                writes[str(info.get("targetObjectiveID"))] = str(item.get("identifier"))
            if info.get("readSatisfiedStatus") == "true":
                reads[str(item.get("identifier"))] = (
                    str(obj.get("objectiveID")),
                    str(info.get("targetObjectiveID")),
                )
    preconditions = {
        str(item.get("identifier")): item.findall(f".//{{{ss}}}preConditionRule")
        for item in lessons
    }
    if not forward_only:
        assert (writes, reads) == ({}, {})
        assert all(rules == [] for rules in preconditions.values())
        return
    ids = [f"item-{lesson.id}" for lesson in course.lessons]
    assert preconditions[ids[0]] == [] and ids[0] not in reads
    for before, after in itertools.pairwise(ids):
        local, target = reads[after]
        assert writes[target] == before  # the lesson before writes what this one reads
        (rule,) = preconditions[after]
        action = rule.find(f"{{{ss}}}ruleAction")
        assert action is not None and action.get("action") == "disabled"
        conditions = rule.findall(f"{{{ss}}}ruleConditions/{{{ss}}}ruleCondition")
        assert {(c.get("referencedObjective"), c.get("operator")) for c in conditions} == {
            (local, "not")
        }
        assert {c.get("condition") for c in conditions} == {"satisfied", "objectiveStatusKnown"}


@pytest.mark.parametrize("forward_only", [False, True])
def test_12_prerequisites(
    forward_only: bool, zips: dict[tuple[str, bool], Path], course: Course
) -> None:
    root, _ = tree(zips[("1.2", forward_only)])
    cp, adlcp = NS_CP["1.2"], NS_ADLCP["1.2"]
    lessons = [i for i in root.iter(f"{{{cp}}}item") if i.get("identifierref")]
    found = [i.findtext(f"{{{adlcp}}}prerequisites") for i in lessons]
    types = {p.get("type") for p in root.iter(f"{{{adlcp}}}prerequisites")}
    ids = [f"item-{lesson.id}" for lesson in course.lessons]
    if forward_only:
        assert found == [None, *ids[:-1]] and types == {"aicc_script"}
    else:
        assert found == [None] * len(ids)
    assert [i.findtext(f"{{{adlcp}}}masteryscore") for i in lessons] == ["80"] * len(ids)


def test_two_lessons_may_use_one_image_name(tmp_path: Path) -> None:
    """Each lesson's images stay below its own folder, in both kinds of course package."""
    pictures: dict[str, bytes] = {}
    for name, colour in (("one", "red"), ("two", "blue")):
        folder = tmp_path / name
        (folder / "images").mkdir(parents=True)
        Image.new("RGB", (2, 2), colour).save(folder / "images" / "fig.png")
        pictures[name] = (folder / "images" / "fig.png").read_bytes()
        (folder / f"{name}.md").write_text(
            f"---\nid: lesson-{name}\ntitle: Lesson {name}\n---\n\n## Read\n\n"
            "A figure: ![the figure](images/fig.png)\n",
            encoding="utf-8",
        )
    (tmp_path / "course.yml").write_text(
        "id: pics\ntitle: Pictures\nmodules:\n  - title: All\n    lessons:\n"
        "      - one/one.md\n      - two/two.md\n",
        encoding="utf-8",
    )
    course = load_course(tmp_path / "course.yml")
    for per_lesson in (True, False):
        out = export(course, "scorm", tmp_path / f"c-{per_lesson}.zip", sco_per_lesson=per_lesson)
        with zipfile.ZipFile(out) as archive:
            assert archive.read("lessons/lesson-one/images/fig.png") == pictures["one"]
            assert archive.read("lessons/lesson-two/images/fig.png") == pictures["two"]
            if per_lesson:
                page = archive.read("lessons/lesson-two/index.html").decode()
                assert 'src="images/fig.png"' in page
            else:
                page = archive.read("index.html").decode()
                assert 'src="lessons/lesson-two/images/fig.png"' in page
                assert 'src="images/fig.png"' not in page


def test_bad_input_is_refused_naming_the_lesson(tmp_path: Path) -> None:
    """27 choices cannot be recorded in SCORM 1.2; --forward-only needs --sco-per-lesson."""
    source = write_course(tmp_path / "src", 2)
    lesson = tmp_path / "src" / "lesson-02.md"
    choices = "".join(f":::{{choice}} Option {n}\n:score: 0\nNo.\n:::\n\n" for n in range(27))
    lesson.write_text(
        "---\ntitle: Many\nid: lesson-02\n---\n\n## Read\n\n"
        f"::::{{decision}} Pick\nWhich one?\n\n{choices}::::\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    out = tmp_path / "course.zip"
    result = runner.invoke(main, ["scorm", str(source), "-o", str(out), "--sco-per-lesson"])
    assert result.exit_code == 2, result.output
    assert re.search(r"lesson-02\.md:\d+:\d+: error\[scorm-limit\]", result.output)
    assert "Traceback" not in result.output and not out.exists()
    args = ["scorm", str(source), "-o", str(out), "--sco-per-lesson", "--scorm", "2004"]
    assert runner.invoke(main, args).exit_code == 0
    out.unlink()
    alone = runner.invoke(main, ["scorm", str(source), "-o", str(out), "--forward-only"])
    assert alone.exit_code == 2 and "forward-only" in alone.output and not out.exists()
