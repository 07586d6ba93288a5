"""The PDF, the EPUB and the player as one product: the same labels, fonts, introduction and
reaction chips, all from render/labels.py and model/reactions.py."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest

from aipm_content import Lesson, export, load, parse
from aipm_content.exporters.pdf import PdfOptions
from aipm_content.exporters.pdf.document import lesson_css, lesson_html
from aipm_content.model.reactions import REACTION_EMOJI
from aipm_content.render.html import TEMPLATES
from aipm_content.render.labels import FONTS, LABELS
from conftest import FIXTURES, ROOT

EVERY_MD = FIXTURES / "epub" / "every-block.md"
KIND_LABELS = ["scene", "tension", "learn_the_judgment", "the_call", "practice_heading"]
KIND_LABELS += ["decision", "exercise"]


def channel_texts(lesson: Lesson, folder: Path) -> dict[str, str]:
    """What a learner reads in each channel: the PDF's text, the EPUB's and the player's HTML."""
    pdf = export(lesson, "pdf", folder / "l.pdf")
    done = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True)
    with zipfile.ZipFile(export(lesson, "epub", folder / "l.epub")) as book:
        epub = "".join(book.read(n).decode() for n in sorted(book.namelist()) if ".xhtml" in n)
    with zipfile.ZipFile(export(lesson, "scorm", folder / "l.zip")) as package:
        player = package.read("index.html").decode()
    return {"pdf": done.stdout.decode(), "epub": epub, "player": player}


@pytest.fixture(scope="module")
def every_block(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return channel_texts(load(EVERY_MD), tmp_path_factory.mktemp("channels"))


def test_templates_spell_no_label_themselves() -> None:
    for template in sorted(TEMPLATES.rglob("*.j2")):
        source = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)
        for key, label in LABELS.items():
            literal = re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", source)
            assert literal is None, f"{template.name} spells {label!r}: use labels.{key}"


@pytest.mark.parametrize("key", KIND_LABELS)
def test_every_channel_names_a_block_kind_alike(every_block: dict[str, str], key: str) -> None:
    for channel, text in every_block.items():
        found = LABELS[key] in text or LABELS[key].upper() in text  # print sets labels in caps
        assert found, f"{channel} lacks {LABELS[key]!r}"


def test_no_channel_has_labels_of_its_own(every_block: dict[str, str]) -> None:
    for text in every_block.values():
        assert "Reflect and write" not in text  # the EPUB's old name for a practice


def channel_css(tmp_path: Path) -> dict[str, str]:
    lesson = parse("---\ntitle: Fonts\n---\n\nText.\n")
    with zipfile.ZipFile(export(lesson, "epub", tmp_path / "f.epub")) as book:
        epub = book.read("EPUB/css/epub.css").decode()
    with zipfile.ZipFile(export(lesson, "scorm", tmp_path / "f.zip")) as package:
        player = package.read("player.css").decode()
    return {"pdf": lesson_css(PdfOptions()), "epub": epub, "player": player}


def test_one_type_pairing_in_every_channel(tmp_path: Path) -> None:
    stacks = set(FONTS.values())
    for channel, css in channel_css(tmp_path).items():
        assert "var(--font-" not in css, channel
        families = re.findall(r"font-family:\s*([^;}]+)", css)
        shorthand = re.findall(r"\bfont:\s*([^;}]+)", css)
        families += [value for value in shorthand if value.strip() != "inherit"]
        assert families, channel
        for value in families:
            assert any(value.strip().endswith(stack) for stack in stacks), (channel, value)
        # Reading text in the serif, headings in the sans, in all three.
        text = re.search(r"(?:html|body) \{[^}]*font(?:-family)?:[^;]*?([^;:]+);", css)
        assert text is not None and text.group(1).strip().endswith(FONTS["text"]), channel
        assert re.search(r"h1, h2, h3[^{]*\{[^}]*font-family: " + re.escape(FONTS["ui"]), css)


def test_the_introduction_has_no_visible_heading_anywhere(
    every_block: dict[str, str], tmp_path: Path
) -> None:
    lesson = load(EVERY_MD)
    assert lesson.sections[0].title is None
    html = lesson_html(lesson, PdfOptions())
    intro = html[html.index('id="introduction"') : html.index("</section>", html.index("<main>"))]
    assert "<h2" not in intro and 'data-label="Introduction"' in intro
    reader = pypdf.PdfReader(export(lesson, "pdf", tmp_path / "i.pdf"))
    top = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    assert top[:2] == ["Contents", "Introduction"]  # still a bookmark
    hidden = 'class="visually-hidden">Introduction</h'
    assert hidden in every_block["epub"] and hidden in every_block["player"]
    assert every_block["epub"].count(">Introduction</h1>") == 1  # only the hidden one


def test_an_unknown_reaction_prints_as_its_name(tmp_path: Path) -> None:
    lesson = parse("---\ntitle: R\n---\n\n:::{thread}\n:channel: #t\n\nA: Hi. {banana=3}\n:::\n")
    assert [w.code for w in lesson.warnings] == ["unknown-reaction"]
    for channel, text in channel_texts(lesson, tmp_path).items():
        assert ":banana:" not in text, channel
        assert re.search(r"banana\s*3", text), channel


def test_the_docs_list_the_reaction_names() -> None:
    docs = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    listing = docs[docs.index("The reaction names with an emoji:") :].split("\n\n")[0]
    names = re.findall(r"`([^`]+)`", listing)
    assert names[:-2] == list(REACTION_EMOJI)  # then `{banana=3}` and `unknown-reaction`
