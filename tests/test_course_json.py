"""The course JSON contract: the committed schema, jsonschema and ajv, the export's contents,
loading it back, and the same bytes wherever the course folder is."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from aipm_content import export, load_course
from aipm_content.exporters.json_export import course_with_base_iri
from aipm_content.model.course import Course
from aipm_content.schema import COURSE_SCHEMA_PATH, schema_text
from conftest import ROOT

CONTENT = ROOT / "content"
COURSE_SCHEMA = ROOT / COURSE_SCHEMA_PATH
AJV = ROOT / "tests" / "js" / "validate-json.mjs"


@pytest.fixture(scope="module")
def course_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course") / "course.json"
    export(load_course(CONTENT), "json", out, base_iri="https://learn.example.com/c/")
    return out


def test_committed_course_schema_matches_the_model() -> None:
    assert COURSE_SCHEMA.read_text(encoding="utf-8") == schema_text("course"), (
        "schemas/course.schema.json drifted: run `aipm-export schema --write`"
    )


def test_course_json_is_valid_for_jsonschema_and_ajv(course_json: Path) -> None:
    schema = json.loads(COURSE_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    doc = json.loads(course_json.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(doc)) == []
    run = subprocess.run(
        ["node", str(AJV), str(COURSE_SCHEMA), str(course_json)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.stderr == ""
    assert json.loads(run.stdout) == {"file": str(course_json), "valid": True, "errors": []}


def test_course_json_contents(course_json: Path) -> None:
    doc: dict[str, Any] = json.loads(course_json.read_text(encoding="utf-8"))
    assert doc["schema_version"] == "1.0"
    assert [m["lessons"] for m in doc["modules"]] == [
        ["ai-pm-career-path"],
        ["prompt-evals-for-pms", "shipping-a-hindi-voice-bot"],
    ]
    assert [lesson["id"] for lesson in doc["lessons"]] == doc["modules"][0]["lessons"] + (
        doc["modules"][1]["lessons"]
    )
    iris = [a["iri"] for a in doc["activities"]]
    assert len(set(iris)) == len(iris)
    assert all(i.startswith("https://learn.example.com/c/") for i in iris)
    assert doc["activities"][0]["lesson"] == "ai-pm-career-path"
    assert doc["duration"].startswith("PT") and doc["points"] > 0


def test_course_json_loads_back_into_the_same_model(course_json: Path) -> None:
    again = load_course(course_json)
    assert isinstance(again, Course)
    assert again == course_with_base_iri(load_course(CONTENT), "https://learn.example.com/c/")


def test_course_json_is_byte_stable(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(CONTENT, copy)
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    export(load_course(CONTENT), "json", first)
    export(load_course(copy), "json", second)
    assert first.read_bytes() == second.read_bytes()
