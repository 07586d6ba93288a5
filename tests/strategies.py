"""Hypothesis strategies for valid lessons with every block type and awkward text.

Text is canonical, as the Markdown parser produces it: no leading, trailing or doubled spaces,
no newlines inside a run, line breaks only between words; emphasis, strong and link text starts
and ends with a letter. Ids are the ones the parser gives: directive blocks have pinned ids,
sections, paragraphs, lists and quotes get theirs from ``assign_ids`` as the parser does.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from aipm_content.model.blocks import BLOCK_TYPES
from aipm_content.model.inline import check_href, merge_text
from aipm_content.model.lesson import Lesson
from aipm_content.parse.builder import Builder
from aipm_content.parse.ids import assign_ids
from aipm_content.parse.markdown import markdown_parser
from aipm_content.parse.validate import strip_private

Json = dict[str, Any]

LETTERS = string.ascii_letters + "कखगनमसतहअआ" + "éü"
# Markdown metacharacters, colons, quotes, Devanagari (with vowel signs and virama), emoji.
AWKWARD = "\\`*_[]<>#&{}|!:;.,?'\"“”‘’()-+=~%$^@/" + "नमस्तेहिंदी्ा" + "🔥👍🏽🙂₹—–…"
WORD_CHARS = LETTERS + string.digits + AWKWARD
TRICKY_WORDS = [
    ":::",
    "::::{decision}",
    ":id:",
    "1.",
    "2)",
    "-",
    "+",
    "=",
    "===",
    "---",
    "#",
    "##",
    ">",
    "~~~",
    "```",
    "*",
    "**",
    "_a_",
    "{fire=3}",
    "&amp;",
    "&#42;",
    "<http://x.in>",
    "[a]:",
    "[x](y)",
    "![i](p.png)",
    "Name:",
    "Role:",
    "The call:",
    "\\",
    "नमस्ते",
    "हिंदी",
    "🔥",
    "👍🏽",
    "“quoted”",
    "e.g.",
    "0 chars (min 80)",
    # What the typographer rewrites: the writer must escape it where the model holds it as is.
    "--",
    "---",
    "...",
    "(c)",
    "(TM)",
    "+-",
    ",,",
    "????",
    "don't",
    '"q"',
]

words = st.one_of(
    st.text(alphabet=WORD_CHARS, min_size=1, max_size=7),
    st.sampled_from(TRICKY_WORDS),
)
letter = st.sampled_from(LETTERS)


@st.composite
def plain_text(draw: st.DrawFn, min_words: int = 1, max_words: int = 6) -> str:
    """Words joined by single spaces."""
    return " ".join(draw(st.lists(words, min_size=min_words, max_size=max_words)))


@st.composite
def lettered(draw: st.DrawFn) -> str:
    """Text that starts and ends with a letter (the inside of emphasis, strong and links)."""
    inner = draw(st.one_of(st.just(""), plain_text(1, 3).map(lambda t: f" {t} ")))
    if inner == "":
        return str(draw(letter) + draw(st.sampled_from(["", *LETTERS])))
    return str(draw(letter) + inner + draw(letter))


def _md_fixed_point(href: str) -> bool:
    md = markdown_parser()
    try:
        check_href(href)
    except Exception:
        return False
    return bool(md.validateLink(href)) and md.normalizeLink(href) == href


HREF_CHARS = string.ascii_lowercase + string.digits + "-._~/?#@!$&'()*+,;=:"
hrefs = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["https://example.com/", "http://x.in/", "mailto:", "../", "#", "a/", ""]),
    st.text(alphabet=HREF_CHARS, max_size=12),
).filter(_md_fixed_point)
image_srcs = st.sampled_from(["p.png", "img/chart.jpg", "a-b/c_d.gif", "x.jpeg"])


def text_node(text: str) -> Json:
    return {"type": "text", "text": text}


@st.composite
def formatted(draw: st.DrawFn, depth: int, in_link: bool) -> Json:
    """An emphasis, strong or link node, or an atom: code or image."""
    kinds = ["code", "image"]
    if depth > 0:
        kinds += ["emphasis", "strong"] + ([] if in_link else ["link"])
    kind = draw(st.sampled_from(kinds))
    if kind == "code":
        return {
            "type": "code",
            "text": draw(st.text(alphabet=WORD_CHARS + " `", min_size=1, max_size=8)),
        }
    if kind == "image":
        return {"type": "image", "src": draw(image_srcs), "alt": draw(plain_text(1, 3))}
    children = [text_node(draw(lettered()))]
    if draw(st.booleans()) and depth > 1:
        children += [
            text_node(" "),
            draw(formatted(depth - 1, in_link or kind == "link")),
            text_node(" " + draw(lettered())),
        ]
    node: Json = {"type": kind, "children": children}
    if kind == "link":
        node["href"] = draw(hrefs)
    return node


@st.composite
def rich(draw: st.DrawFn, breaks: bool = True, max_parts: int = 4) -> Json:
    """Rich text: text runs and formatted nodes, separated by a space, nothing or a line break."""
    parts = draw(
        st.lists(
            st.one_of(plain_text().map(text_node), formatted(2, False)),
            min_size=1,
            max_size=max_parts,
        )
    )
    inlines: list[Json] = [parts[0]]
    for part in parts[1:]:
        # Two formatted nodes side by side ("*a**b*") have no CommonMark spelling: keep a gap.
        touching = inlines[-1]["type"] != "text" and part["type"] != "text"
        seps = [" "] + ([] if touching else [""]) + (["break"] if breaks else [])
        sep = draw(st.sampled_from(seps))
        if sep == "break":
            inlines.append({"type": "line_break"})
        elif sep:
            inlines.append(text_node(sep))
        inlines.append(part)
    return {"inlines": inlines}


def one_line(draw: st.DrawFn) -> Json:
    return draw(rich(breaks=False, max_parts=3))


names = st.builds(
    lambda first, rest: (first + rest).strip(),
    letter,
    st.text(alphabet=LETTERS + string.digits + " .-'&#*`{}", max_size=12),
).filter(lambda n: "  " not in n)
titles = plain_text(1, 5)
channels = st.text(
    alphabet=string.ascii_lowercase + string.digits + "._-" + "चर्", min_size=1, max_size=20
).map(lambda c: "#" + c)
reaction_names = st.text(
    alphabet=string.ascii_lowercase + string.digits + "_+-", min_size=1, max_size=8
)


@st.composite
def block(draw: st.DrawFn, kind: str) -> Json:
    if kind == "paragraph":
        return {"type": "paragraph", "text": draw(rich())}
    if kind == "list":
        ordered = draw(st.booleans())
        start = draw(st.sampled_from([0, 1, 2, 7, 10, 999_999_999])) if ordered else 1
        items = draw(st.lists(rich(), min_size=1, max_size=3))
        return {"type": "list", "ordered": ordered, "start": start, "items": items}
    if kind == "quote":
        return {"type": "quote", "paragraphs": draw(st.lists(rich(), min_size=1, max_size=2))}
    if kind == "scene":
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                lines.append(
                    {
                        "type": "dialogue",
                        "speaker": draw(names),
                        "role": draw(st.none() | names),
                        "text": draw(rich()),
                    }
                )
            else:
                # Narration, often shaped like dialogue: "Name: text", "Name (role): text".
                shaped = draw(st.sampled_from(["", "{}: ", "{} (x): ", "{}:"]))
                body = draw(rich())
                if shaped:
                    body = {"inlines": [text_node(shaped.format(draw(names))), *body["inlines"]]}
                lines.append({"type": "narration", "text": body})
        return {
            "type": "scene",
            "setting": draw(st.none() | rich(breaks=False, max_parts=3)),
            "lines": lines,
        }
    if kind == "tension":
        return {"type": "tension", "text": draw(rich())}
    if kind == "thread":
        messages = []
        for _ in range(draw(st.integers(1, 3))):
            reactions = draw(st.lists(reaction_names, max_size=3, unique=True))
            messages.append(
                {
                    "author": draw(names),
                    "role": draw(st.none() | names),
                    "text": draw(rich()),
                    "reactions": [
                        {"name": r, "count": draw(st.integers(1, 1_000_000))} for r in reactions
                    ],
                }
            )
        return {
            "type": "thread",
            "channel": draw(channels),
            "topic": draw(st.none() | titles),
            "messages": messages,
        }
    if kind == "exercise":
        steps = draw(st.lists(rich(), max_size=3))
        instructions = draw(st.lists(rich(), min_size=0 if steps else 1, max_size=2))
        # Closing paragraphs are told apart from instructions by the steps between them.
        closing = draw(st.lists(rich(), max_size=2)) if steps else []
        return {
            "type": "exercise",
            "title": draw(titles),
            "duration_minutes": draw(st.integers(1, 240)),
            "word_target": draw(st.none() | st.integers(1, 100_000)),
            "instructions": instructions,
            "steps": steps,
            "closing": closing,
        }
    if kind == "judgment":
        return {
            "type": "judgment",
            "scenario": draw(st.lists(rich(), min_size=1, max_size=2)),
            "question": draw(rich()),
        }
    if kind == "practice":
        min_chars = draw(st.integers(1, 4000))
        data: Json = {
            "type": "practice",
            "min_chars": min_chars,
            "max_chars": draw(st.none() | st.integers(min_chars, 4000)),
            "points": draw(st.integers(1, 100)),
            "rubric": [
                {"keyword": k, "points": draw(st.integers(1, 100))}
                for k in draw(st.lists(plain_text(1, 3).filter(lambda k: ";" not in k), max_size=3))
            ],
        }
        if draw(st.booleans()):
            data["case"] = "CASE"  # resolved to a judgment of the lesson, if there is one
        data["scenario"] = draw(st.lists(rich(), max_size=2))
        data["question"] = draw(rich())
        return data
    if kind == "decision":
        n = draw(st.sampled_from([0, 2, 3]))
        choices = [
            {
                "id": f"c{i}-{draw(st.sampled_from(['a', 'b', 'yes', 'no']))}",
                "text": one_line(draw),
                "feedback": draw(st.none() | rich()),
                "score": draw(st.integers(0, 100)),
            }
            for i in range(n)
        ]
        return {
            "type": "decision",
            "title": draw(titles),
            "scenario": draw(st.lists(rich(), min_size=1, max_size=2)),
            "choices": choices,
        }
    assert kind == "next_steps"
    links = [
        {
            "title": draw(titles),
            "href": draw(hrefs),
            # The parser strips separators (" —–-:") at the start of a description.
            "description": draw(st.none() | rich(breaks=False).filter(_no_separator_start)),
        }
        for _ in range(draw(st.integers(1, 3)))
    ]
    return {"type": "next_steps", "links": links}


def _no_separator_start(text: Json) -> bool:
    first = text["inlines"][0]
    return not (first["type"] == "text" and first["text"][:1] in " —–-:")


BLOCK_KINDS = list(BLOCK_TYPES)
DIRECTIVE_KINDS = set(BLOCK_KINDS) - {"paragraph", "list", "quote"}


def merge_runs(value: Any) -> None:
    """Join adjacent text runs in place, as the parser's tokens come (ids derive from them)."""
    if isinstance(value, dict):
        for key in ("inlines", "children"):
            if isinstance(value.get(key), list):
                value[key] = merge_text(value[key])
        for item in value.values():
            merge_runs(item)
    elif isinstance(value, list):
        for item in value:
            merge_runs(item)


@st.composite
def lessons(draw: st.DrawFn) -> Lesson:
    """A valid lesson holding (over a run) every block type."""
    kinds = st.sampled_from(BLOCK_KINDS)
    sections: list[Json] = []
    line = iter(range(1, 10_000))
    if draw(st.booleans()):
        sections.append({"type": "section", "id": "introduction", "title": None, "blocks": []})
        sections[0]["blocks"] = [
            draw(block(k)) for k in draw(st.lists(kinds, min_size=1, max_size=3))
        ]
    for _ in range(draw(st.integers(0 if sections else 1, 3))):
        blocks = [draw(block(k)) for k in draw(st.lists(kinds, max_size=4))]
        line_number = next(line)
        # Sometimes pinned with "## Title {#id}", which the writer must then keep.
        pinned = f"part-{line_number}" if draw(st.booleans()) else None
        sections.append(
            {
                "type": "section",
                "id": pinned,
                "title": draw(titles),
                "blocks": blocks,
                "_line": line_number,
            }
        )
    judgments = []
    for section in sections:
        for b in section["blocks"]:
            b["_line"] = next(line)
            if b["type"] in DIRECTIVE_KINDS:
                b["id"] = f"{b['type'].replace('_', '-')}-x{b['_line']}"
            if b["type"] == "judgment":
                judgments.append(b["id"])
            if b.get("case") == "CASE":
                b["case"] = judgments[-1] if judgments else None
                if b["case"]:
                    b["scenario"], b["question"] = [], None
    merge_runs(sections)
    builder = Builder("<generated>", None)
    assign_ids(builder, sections)
    assert not builder.diagnostics, builder.diagnostics
    data: Json = {
        "id": draw(st.sampled_from(["lesson", "ai-pm-career-path", "x1-y2"])),
        "title": draw(titles),
        "language": draw(st.sampled_from(["en-IN", "hi-IN", "en", "hi-Deva-IN"])),
        "authors": draw(st.lists(titles, max_size=2)),
        "tags": draw(st.lists(titles, max_size=2)),
        "summary": draw(st.none() | plain_text()),
        "revision": draw(st.none() | st.sampled_from(["2026-11-01", "1999-01-31"])),
        "base_iri": draw(st.none() | st.sampled_from(["https://example.com/", "http://x.in/a/"])),
        "sections": sections,
    }
    if draw(st.booleans()):
        data["epigraph"] = {"text": draw(rich()), "attribution": draw(titles)}
    return Lesson.model_validate(strip_private(data))
