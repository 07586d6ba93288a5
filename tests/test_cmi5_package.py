"""``aipm-export cmi5``: cmi5.xml valid against the specification's XSD, the zip byte-stable,
the ids IRIs under the base IRI, and bad input a located error with nothing written."""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aipm_content import Lesson, LessonError, export, load_course, parse
from aipm_content.cli import main
from aipm_content.exporters.cmi5.package import CMI5_SCRIPTS
from aipm_content.exporters.scorm.policy import SCOPE_SCRIPT, player_policy
from conftest import FIXTURES, ROOT, SEED_MD

BASE = "https://learn.example.com/lessons/"
NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
XSD = FIXTURES / "cmi5" / "CourseStructure.xsd"


def structure(zipped: Path) -> etree._Element:
    """cmi5.xml of the package, checked against the cmi5 CourseStructure XSD, offline."""
    schema = etree.XMLSchema(etree.parse(str(XSD), etree.XMLParser(no_network=True)))
    with zipfile.ZipFile(zipped) as archive:
        root = etree.fromstring(archive.read("cmi5.xml"), etree.XMLParser(no_network=True))
    schema.assertValid(root)
    return root


def test_a_lesson_is_a_course_of_one_au(seed_lesson: Lesson, tmp_path: Path) -> None:
    zipped = export(seed_lesson, "cmi5", tmp_path / "l.cmi5.zip", base_iri=BASE)
    root = structure(zipped)
    course = root.find("c:course", NS)
    assert course is not None and course.get("id") == f"{BASE}{seed_lesson.id}/course"
    (au,) = root.findall("c:au", NS)
    assert {str(k): str(v) for k, v in au.attrib.items()} == {
        "id": f"{BASE}{seed_lesson.id}",
        "moveOn": "CompletedAndPassed",
        "masteryScore": "0.8",
        "launchMethod": "AnyWindow",
    }
    assert au.findtext("c:url", namespaces=NS) == "index.html"
    title = au.find("c:title/c:langstring", NS)
    assert title is not None and title.get("lang") == seed_lesson.language
    assert title.text == seed_lesson.title
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        page = archive.read("index.html").decode()
    assert names[0] == "cmi5.xml" and "imsmanifest.xml" not in names  # not mistaken for SCORM
    scripts = sorted((*CMI5_SCRIPTS, SCOPE_SCRIPT))
    assert [f"player/{n}" for n in scripts] == [n for n in names if "/" in n]
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    assert html.unescape(policy.group(1)) == player_policy(connect_src="'self' https:")
    config = json.loads(re.findall(r'id="aipm-config">(.*?)</script>', page)[0])
    assert config["version"] == "cmi5"
    assert {a["iri"] for a in config["lessons"][0]["activities"]} == {
        a.iri for a in seed_lesson.model_copy(update={"base_iri": BASE}).activities
    }


def test_a_course_has_a_block_per_module_and_an_au_per_lesson(tmp_path: Path) -> None:
    course = load_course(ROOT / "content")
    zipped = export(course, "cmi5", tmp_path / "c.cmi5.zip", base_iri=BASE, move_on="Completed")
    root = structure(zipped)
    blocks = root.findall("c:block", NS)
    assert [b.get("id") for b in blocks] == [f"{BASE}{course.id}/{m.id}" for m in course.modules]
    aus = root.findall("c:block/c:au", NS)
    assert [a.get("id") for a in aus] == [f"{BASE}{lesson.id}" for lesson in course.lessons]
    assert [a.findtext("c:url", namespaces=NS) for a in aus] == [
        f"lessons/{lesson.id}/index.html" for lesson in course.lessons
    ]
    assert {a.get("moveOn") for a in aus} == {"Completed"}
    with zipfile.ZipFile(zipped) as archive:
        pages = {f"lessons/{lesson.id}/index.html" for lesson in course.lessons}
        assert pages <= set(archive.namelist())
        page = archive.read(sorted(pages)[0]).decode()
    assert '<link rel="stylesheet" href="../../player.css"/>' in page  # the shared files


def test_without_scored_activities_completion_moves_on(tmp_path: Path) -> None:
    lesson = parse("---\nid: plain\ntitle: Plain\nlanguage: hi-IN\n---\n\nJust reading.\n")
    root = structure(export(lesson, "cmi5", tmp_path / "p.cmi5.zip", base_iri=BASE))
    (au,) = root.findall("c:au", NS)
    assert au.get("moveOn") == "Completed" and au.get("masteryScore") is None
    assert root.find("c:course/c:title/c:langstring", NS).get("lang") == "hi-IN"  # type: ignore[union-attr]
    with pytest.raises(LessonError) as caught:
        export(lesson, "cmi5", tmp_path / "x.cmi5.zip", base_iri=BASE, move_on="Passed")
    assert caught.value.diagnostics[0].code == "move-on"
    assert not (tmp_path / "x.cmi5.zip").exists()


def test_the_zip_is_byte_identical_across_runs_and_folders(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "elsewhere")
    args = ["cmi5", "--base-iri", BASE, "-o"]
    runner = CliRunner()
    one = runner.invoke(main, [*args, str(tmp_path / "a.zip"), str(SEED_MD)])
    two = runner.invoke(
        main, [*args, str(tmp_path / "b.zip"), str(tmp_path / "elsewhere" / SEED_MD.name)]
    )
    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


@pytest.mark.parametrize(
    ("flags", "code", "says"),
    [
        ([], "bad-base-iri", "needs a base IRI"),  # at the lesson's front matter
        (["--base-iri", "learn.example.com/lessons/"], "settings", "http(s) URL"),
        (["--base-iri", "https://learn.example.com/a b/"], "settings", "may not hold"),
    ],
)
def test_a_bad_base_iri_is_located_and_writes_nothing(
    flags: list[str], code: str, says: str, tmp_path: Path
) -> None:
    shutil.copy(SEED_MD, tmp_path / "lesson.md")  # no exporters/cmi5.toml above it
    out = tmp_path / "out.zip"
    result = CliRunner().invoke(main, ["cmi5", str(tmp_path / "lesson.md"), "-o", str(out), *flags])
    assert result.exit_code == 2, result.output
    assert re.search(rf":\d+:\d+: error\[{code}\]: .*{re.escape(says)}", result.output)
    assert not out.exists()


def test_ids_that_give_one_iri_twice_are_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    course_file = tmp_path / "content" / "course.yml"
    text = course_file.read_text("utf-8")
    course_file.write_text(re.sub(r"(?m)^id: .*$", "id: ai-pm-career-path", text), "utf-8")
    out = tmp_path / "c.zip"
    result = CliRunner().invoke(
        main, ["cmi5", str(course_file), "-o", str(out), "--base-iri", BASE]
    )
    assert result.exit_code == 2, result.output
    assert "ai-pm-career-path.md:" in result.output and "error[iri-clash]" in result.output
    assert "already the IRI of course 'ai-pm-career-path'" in result.output
    assert not out.exists()


def test_build_writes_cmi5_beside_scorm(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(ROOT / "content"), "-o", str(tmp_path), "--formats", "scorm,cmi5"]
    )
    assert result.exit_code == 0, result.output
    for stem in ("ai-pm-career-path", "ai-pm-foundations"):
        assert (tmp_path / f"{stem}.zip").is_file()
        structure(tmp_path / f"{stem}.cmi5.zip")


def test_two_lessons_may_use_one_image_path_for_different_files(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    course = load_course(tmp_path / "content")
    dot = (FIXTURES / "hostile" / "images" / "dot.png").read_bytes()
    for n, lesson in enumerate(course.lessons[:2]):
        source = Path(lesson.source_path)
        folder = tmp_path / "content" / f"part{n}"
        (folder / "images").mkdir(parents=True)
        (folder / "images" / "chart.png").write_bytes(dot + bytes([n]))  # two different files
        moved = folder / source.name
        text = source.read_text("utf-8") + "\n## Chart\n\n![The chart](images/chart.png)\n"
        moved.write_text(text, "utf-8")
        source.unlink()
        yml = tmp_path / "content" / "course.yml"
        yml.write_text(yml.read_text("utf-8").replace(source.name, f"part{n}/{source.name}"))
    course = load_course(tmp_path / "content")
    zipped = export(course, "cmi5", tmp_path / "c.cmi5.zip", base_iri=BASE)
    structure(zipped)
    with zipfile.ZipFile(zipped) as archive:
        for n, lesson in enumerate(course.lessons[:2]):
            assert archive.read(f"lessons/{lesson.id}/images/chart.png") == dot + bytes([n])
            # The AU's page names it relative to its own folder, where it is.
            page = archive.read(f"lessons/{lesson.id}/index.html").decode()
            assert 'src="images/chart.png"' in page
