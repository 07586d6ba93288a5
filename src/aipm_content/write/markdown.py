"""Model -> authoring Markdown, escaped so that parsing the output gives the same model back.

``parse(to_markdown(lesson)) == lesson`` holds for every lesson whose ids are the ones the
Markdown parser gives (directive blocks carry ``:id:``; section, paragraph, list and quote ids
are derived from their text, as the parser does) and whose text is canonical: no leading,
trailing or doubled spaces, no newlines inside a text run, no line break at the edge of a
paragraph. Text is escaped wherever the parser would read it as syntax:

* inline metacharacters ``\\ ` * _ [ ] < > # & { } | ! " '`` get a backslash everywhere (a
  straight quote the model holds stays straight: the typographer curls only unescaped ones),
  and so does the second character of what the typographer would rewrite (``-\\-``, ``.\\.``,
  ``\\(c)``);
* a line that would open a block (``1.``, ``1)``, ``-``, ``+``, ``=``, ``:``, ``~``, ``#``,
  ``>``) gets a backslash before the hazard;
* scene narration that would read as ``Name: text`` dialogue has its colon escaped (``\\:``);
* code spans are fenced with more backticks than they contain;
* links are written ``[text](href)``, or ``[text](<href>)`` when the href holds parentheses;
* reactions are written ``{fire=3 heart=2}`` after a thread message.

A section whose id is not the one its title derives gets ``## Title {#id}``.

What the authoring format cannot say, and so does not round-trip: ids of paragraphs, lists and
quotes other than the derived ones; an empty introduction; an exercise with closing
paragraphs but no steps (they read back as instructions); two emphasis/strong nodes directly
side by side; a next-step description starting with a separator (`` —–-:``); link hrefs that
markdown-it would normalise (percent-encoding); speaker names that start with a non-letter or
hold a backslash; rubric keywords holding ";".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from ..model.blocks import (
    Block,
    Decision,
    DialogueLine,
    Exercise,
    Judgment,
    ListBlock,
    Message,
    NextSteps,
    Paragraph,
    Practice,
    Quote,
    Scene,
    Tension,
    Thread,
)
from ..model.inline import Code, Emphasis, Image, Inline, LineBreak, Link, RichText, Strong, Text
from ..model.lesson import Lesson
from ..parse.ids import section_id
from ..parse.syntax import SPEAKER, THE_CALL

INLINE_META = frozenset("\\`*_[]<>#&{}|!\"'")
# Every inline metacharacter, and the second character of what the typographer would rewrite
# ("--", "..", "+-", ",,", "????", "(c)"): escaped characters are never rewritten.
ESCAPE = re.compile(
    "["
    + re.escape("".join(sorted(INLINE_META)))
    + "]"
    + r"|(?<=-)-|(?<=\.)\.|(?<=\+)-|(?<=,),|(?<=\?)\?|\((?=(?:c|r|tm)\))",
    re.IGNORECASE,
)
# At the start of a line these open a block: lists, setext underlines, directives, fences ...
LINE_START = re.compile(r"^(?:[-+=:~#>]|\d{1,9}(?=[.)]))")
BREAK = "\\\n"
# A scene line the parser reads as dialogue that lost its speaker: "(Role): text", ": text".
NAMELESS = re.compile(r"^(\([^()\n]*\))?[ \t]*:[ \t]")


def escape_text(text: str) -> str:
    """Backslash before every character inline Markdown or its typographer could read as
    syntax (straight quotes included: the parser would curl them)."""
    return ESCAPE.sub(lambda m: "\\" + m.group(0), text)


def code_span(text: str) -> str:
    """``text`` as a code span: a fence longer than any backtick run inside, padded if needed."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    edge_space = text.startswith(" ") and text.endswith(" ") and text.strip(" ")
    if text.startswith("`") or text.endswith("`") or edge_space:
        text = f" {text} "
    return f"{fence}{text}{fence}"


def destination(href: str) -> str:
    """A link destination; angle brackets when the href holds characters a bare one cannot."""
    href = href.replace("&", "\\&")
    return f"<{href}>" if re.search(r"[()<>\s]", href) or not href else href


def inline(nodes: list[Inline]) -> str:
    """Inline Markdown for a list of inline nodes (line starts not yet made safe)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(escape_text(node.text))
        elif isinstance(node, Code):
            out.append(code_span(node.text))
        elif isinstance(node, LineBreak):
            out.append(BREAK)
        elif isinstance(node, Image):
            out.append(f"![{escape_text(node.alt)}]({destination(node.src)})")
        elif isinstance(node, Emphasis):
            out.append(f"*{inline(node.children)}*")
        elif isinstance(node, Strong):
            out.append(f"**{inline(node.children)}**")
        elif isinstance(node, Link):
            out.append(f"[{inline(node.children)}]({destination(node.href)})")
    return "".join(out)


def safe_lines(markdown: str, *, first: bool = True) -> str:
    """Escape block hazards at the start of every line (and of the first, if ``first``)."""
    lines = markdown.split("\n")
    return "\n".join(
        LINE_START.sub(
            lambda m: m.group(0) + "\\" if m.group(0)[0].isdigit() else "\\" + m.group(0), line
        )
        if n or first
        else line
        for n, line in enumerate(lines)
    )


def rich(text: RichText, *, first: bool = True) -> str:
    """A paragraph's Markdown: inline syntax escaped, every line safe to start a block with."""
    return safe_lines(inline(text.inlines), first=first)


def indent(markdown: str, prefix: str, first_prefix: str | None = None) -> str:
    """Prefix each line: ``first_prefix`` on the first, ``prefix`` on the others."""
    lines = markdown.split("\n")
    head = first_prefix if first_prefix is not None else prefix
    return "\n".join((head if n == 0 else prefix) + line for n, line in enumerate(lines))


def front_matter(lesson: Lesson) -> str:
    meta: dict[str, object] = {"id": lesson.id, "title": lesson.title, "language": lesson.language}
    if lesson.authors:
        meta["authors"] = list(lesson.authors)
    if lesson.tags:
        meta["tags"] = list(lesson.tags)
    if lesson.summary is not None:
        meta["summary"] = lesson.summary
    if lesson.revision is not None:
        meta["revision"] = lesson.revision.isoformat()  # a string: safe_dump would write a date
    if lesson.base_iri is not None:
        meta["base-iri"] = lesson.base_iri
    dumped = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
    return f"---\n{dumped}---"


class Writer:
    """Renders one lesson; remembers the last list so adjacent lists do not merge."""

    def __init__(self) -> None:
        self.last_list: tuple[bool, str] | None = None

    def lesson(self, lesson: Lesson) -> str:
        parts = [front_matter(lesson)]
        if lesson.epigraph is not None:
            parts.append(
                f":::{{epigraph}}\n:attribution: {escape_text(lesson.epigraph.attribution)}\n"
                f"{rich(lesson.epigraph.text)}\n:::"
            )
        for section in lesson.sections:
            if section.title is not None:
                pin = "" if section.id == section_id(section.title) else f" {{#{section.id}}}"
                parts.append(f"## {escape_text(section.title)}{pin}")
                self.last_list = None
            for block in section.blocks:
                parts.append(self.block(block))
        return "\n\n".join(parts) + "\n"

    def block(self, block: Block) -> str:
        previous, self.last_list = self.last_list, None
        if isinstance(block, Paragraph):
            return rich(block.text)
        if isinstance(block, ListBlock):
            return self.list_block(block.items, block.ordered, block.start, previous)
        if isinstance(block, Quote):
            return "\n>\n".join(indent(rich(p), "> ") for p in block.paragraphs)
        return "\n".join(directive_lines(block))

    def list_block(
        self, items: list[RichText], ordered: bool, start: int, previous: tuple[bool, str] | None
    ) -> str:
        # A list directly after one of the same kind and marker would continue it.
        markers = (".", ")") if ordered else ("-", "+")
        marker = markers[1] if previous == (ordered, markers[0]) else markers[0]
        self.last_list = (ordered, marker)
        out = []
        for n, item in enumerate(items):
            # CommonMark numbers have at most 9 digits; only the first one sets the start.
            number = min(start + n, 999_999_999)
            bullet = f"{number}{marker} " if ordered else f"{marker} "
            out.append(indent(rich(item), " " * len(bullet), bullet))
        return "\n".join(out)


def options(**values: object) -> Iterator[str]:
    for key, value in values.items():
        if value is not None:
            yield f":{key.replace('_', '-')}: {value}"


def paragraphs(texts: list[RichText]) -> Iterator[str]:
    for n, text in enumerate(texts):
        if n:
            yield ""
        yield rich(text)


def narration(text: RichText) -> str:
    """Narration, with the colon escaped if the line would otherwise read as dialogue."""
    out = rich(text)
    nameless = NAMELESS.match(out)
    if nameless is not None:
        colon = nameless.end() - 2
        return out[:colon] + "\\" + out[colon:]
    match = SPEAKER.match(out)
    if match is None:
        return out
    colon = match.end("role") + 1 if match.group("role") is not None else match.end("name")
    colon = out.index(":", colon)
    if "`" in out[:colon]:
        # The colon sits in or after a code span: spell the first letter as a character
        # reference instead, which no speaker name can start with.
        return f"&#{ord(out[0])};{out[1:]}"
    return out[:colon] + "\\" + out[colon:]


def speaker(name: str, role: str | None, text: RichText) -> str:
    who = f"{name} ({role})" if role is not None else name
    return f"{who}: {rich(text, first=False)}"


def message(msg: Message) -> str:
    line = speaker(msg.author, msg.role, msg.text)
    if msg.reactions:
        line += " {" + " ".join(f"{r.name}={r.count}" for r in msg.reactions) + "}"
    return line


def case_and_call(scenario: list[RichText], question: RichText) -> Iterator[str]:
    yield from paragraphs(scenario)
    if scenario:
        yield ""
    yield f"{THE_CALL} {rich(question, first=False)}"


def directive_lines(block: Block) -> Iterator[str]:
    """The fenced directive of a block kind the plain Markdown syntax has no form for."""
    if isinstance(block, Scene):
        yield ":::{scene}"
        yield from options(
            id=block.id, setting=inline(block.setting.inlines) if block.setting else None
        )
        for line in block.lines:
            yield ""
            if isinstance(line, DialogueLine):
                yield speaker(line.speaker, line.role, line.text)
            else:
                yield narration(line.text)
    elif isinstance(block, Tension):
        yield ":::{tension}"
        yield from options(id=block.id)
        yield ""
        yield rich(block.text)
    elif isinstance(block, Thread):
        yield ":::{thread}"
        topic = escape_text(block.topic) if block.topic is not None else None
        yield from options(id=block.id, channel=block.channel, topic=topic)
        for msg in block.messages:
            yield ""
            yield message(msg)
    elif isinstance(block, Exercise):
        yield from exercise_lines(block)
    elif isinstance(block, Judgment):
        yield ":::{judgment}"
        yield from options(id=block.id)
        yield ""
        yield from case_and_call(block.scenario, block.question)
    elif isinstance(block, Practice):
        yield ":::{practice}"
        rubric = "; ".join(f"{k.keyword}={k.points}" for k in block.rubric) or None
        yield from options(
            id=block.id,
            case=block.case,
            min_chars=block.min_chars,
            max_chars=block.max_chars,
            points=block.points,
            rubric=rubric,
        )
        if block.question is not None:
            yield ""
            yield from case_and_call(block.scenario, block.question)
    elif isinstance(block, Decision):
        yield from decision_lines(block)
        return
    elif isinstance(block, NextSteps):
        yield ":::{next-steps}"
        yield from options(id=block.id)
        yield ""
        for link in block.links:
            item = f"- [{escape_text(link.title)}]({destination(link.href)})"
            if link.description is not None:
                item += f" — {rich(link.description, first=False)}"
            yield indent(item, "  ", "")
    yield ":::"


def exercise_lines(block: Exercise) -> Iterator[str]:
    yield f":::{{exercise}} {escape_text(block.title)}"
    yield from options(id=block.id, duration=block.duration_minutes, word_target=block.word_target)
    if block.instructions:
        yield ""
        yield from paragraphs(block.instructions)
    if block.steps:
        yield ""
        for n, step in enumerate(block.steps, 1):
            bullet = f"{n}. "
            yield indent(rich(step), " " * len(bullet), bullet)
    if block.closing:
        yield ""
        yield from paragraphs(block.closing)


def decision_lines(block: Decision) -> Iterator[str]:
    fence = "::::" if block.choices else ":::"
    yield f"{fence}{{decision}} {escape_text(block.title)}"
    yield from options(id=block.id)
    yield ""
    yield from paragraphs(block.scenario)
    for choice in block.choices:
        yield ""
        yield f":::{{choice}} {rich(choice.text, first=False)}"
        yield from options(id=choice.id, score=choice.score)
        if choice.feedback is not None:
            yield ""
            yield rich(choice.feedback)
        yield ":::"
    yield fence


def to_markdown(lesson: Lesson) -> str:
    """The lesson in the authoring format; ``parse`` of the result gives the lesson back."""
    return Writer().lesson(lesson)
