"""JSON for LMS import: schema-valid under two validators, stable, and loadable again."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from aipm_content import Lesson, export, load, parse
from aipm_content.schema import SCHEMA_PATH, schema_text
from conftest import ROOT, SEED_MD

SCHEMA_FILE = ROOT / SCHEMA_PATH
AJV = ROOT / "tests" / "js" / "validate-json.mjs"


def ajv_results(*docs: Path) -> list[dict[str, Any]]:
    """Run ajv (2020-12, strict mode) on each document; one result per document."""
    run = subprocess.run(
        ["node", str(AJV), str(SCHEMA_FILE), *map(str, docs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.stderr == "", run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("json") / "lesson.json"
    export(load(SEED_MD), "json", out)
    return out


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "schemas/lesson.schema.json drifted: run `aipm-export schema --write`"
    )


def test_seed_json_is_valid_for_jsonschema(seed_json: Path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(seed_json.read_text())))
    assert errors == []


def test_seed_json_is_valid_for_ajv_strict(seed_json: Path) -> None:
    assert ajv_results(seed_json) == [{"file": str(seed_json), "valid": True, "errors": []}]


def _broken_documents(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Documents an integrator must never receive; both validators have to refuse each."""
    variants: dict[str, dict[str, Any]] = {}
    unknown = copy.deepcopy(doc)
    unknown["sections"][0]["blocks"][0]["colour"] = "red"
    variants["unknown key"] = unknown
    no_id = copy.deepcopy(doc)
    del no_id["activities"][0]["id"]
    variants["activity without id"] = no_id
    bad_type = copy.deepcopy(doc)
    bad_type["sections"][1]["blocks"][0]["type"] = "video"
    variants["unknown block type"] = bad_type
    bad_version = copy.deepcopy(doc)
    bad_version["schema_version"] = "2.0"
    variants["other schema version"] = bad_version
    bad_interaction = copy.deepcopy(doc)
    bad_interaction["activities"][0]["interaction"]["interactionType"] = "essay"
    variants["interaction type outside the vocabulary"] = bad_interaction
    return variants


def test_both_validators_refuse_broken_documents(seed_json: Path, tmp_path: Path) -> None:
    doc = json.loads(seed_json.read_text())
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    files: list[Path] = []
    for name, variant in _broken_documents(doc).items():
        assert list(Draft202012Validator(schema).iter_errors(variant)), name
        path = tmp_path / f"{len(files)}.json"
        path.write_text(json.dumps(variant))
        files.append(path)
    assert [r["valid"] for r in ajv_results(*files)] == [False] * len(files)


def test_export_is_byte_identical(tmp_path: Path, seed_json: Path) -> None:
    again = tmp_path / "again.json"
    export(load(SEED_MD), "json", again)
    assert again.read_bytes() == seed_json.read_bytes()
    text = seed_json.read_text(encoding="utf-8")
    assert "₹38 LPA" in text  # UTF-8, not \u escapes
    assert text.endswith("}\n")


def test_json_loads_back_into_the_same_model(seed_json: Path, seed_lesson: Lesson) -> None:
    assert load(seed_json) == seed_lesson


def test_contract_fields(seed_json: Path) -> None:
    doc = json.loads(seed_json.read_text())
    assert doc["schema_version"] == "1.0"
    assert doc["language"] == "en-IN"
    assert doc["duration"] == f"PT{doc['reading_minutes'] + 20}M"
    kinds = [(a["kind"], a["interaction"]["interactionType"]) for a in doc["activities"]]
    assert kinds == [
        ("exercise", "long-fill-in"),
        ("judgment", "long-fill-in"),
        ("practice", "long-fill-in"),
        ("decision", "choice"),
    ]
    practice, decision = doc["activities"][2], doc["activities"][3]
    assert practice["interaction"]["min_chars"] == 80
    # It answers the judgment's case, so its prompt is that case's call.
    assert practice["interaction"]["description"] == practice["title"]
    assert practice["title"].startswith("Practice: Do you take the Zoho AI team role")
    assert practice["interaction"]["scoring"] == {"min": 0, "max": 10, "passing": 10}
    assert practice["required"] and decision["required"]
    choices = decision["interaction"]["choices"]
    assert len(choices) == 4 and all(set(c) == {"id", "description"} for c in choices)
    assert decision["interaction"]["correctResponsesPattern"] == [choices[2]["id"]]
    assert all(a["iri"] == f"urn:aipm:ai-pm-career-path:{a['id']}" for a in doc["activities"])


def test_rich_text_carries_plain_and_safe_html(tmp_path: Path) -> None:
    source = (
        "---\ntitle: Markup\n---\n\nSee *this* <script>alert(1)</script> and "
        "[docs](https://example.com/a?b=1&c=2).\n"
    )
    out = tmp_path / "m.json"
    export(parse(source), "json", out)
    text = json.loads(out.read_text())["sections"][0]["blocks"][0]["text"]
    assert text["text"] == "See this <script>alert(1)</script> and docs."
    assert text["html"] == (
        "See <em>this</em> &lt;script&gt;alert(1)&lt;/script&gt; and "
        '<a href="https://example.com/a?b=1&amp;c=2">docs</a>.'
    )


def test_base_iri_builds_activity_iris(tmp_path: Path) -> None:
    out = tmp_path / "iri.json"
    export(load(SEED_MD), "json", out, base_iri="https://learn.example.com/lessons/")
    doc = json.loads(out.read_text())
    assert doc["activities"][3]["iri"] == (
        "https://learn.example.com/lessons/ai-pm-career-path/decision-the-ai-feature-decision"
    )


def test_activity_ids_survive_an_inserted_paragraph(tmp_path: Path, seed_json: Path) -> None:
    text = SEED_MD.read_text(encoding="utf-8")
    for anchor in ("## The skills", ":::{exercise}", ":::{judgment}", "## Test yourself"):
        edited = text.replace(anchor, "A new paragraph, added later.\n\n" + anchor, 1)
        out = tmp_path / "edited.json"
        export(parse(edited), "json", out)
        ids = [(a["id"], a["iri"]) for a in json.loads(out.read_text())["activities"]]
        before = [(a["id"], a["iri"]) for a in json.loads(seed_json.read_text())["activities"]]
        assert ids == before, anchor
