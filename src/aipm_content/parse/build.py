"""Tokens -> model: the document structure, then one builder per directive kind.

Builders produce plain dictionaries and record where each came from; the whole lesson is then
validated once, and every pydantic error is mapped back to the line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from ..model.blocks import ACTIVITY_TYPES
from ..model.ids import make_id, slugify, with_suffix
from ..model.inline import check_asset_path
from ..model.lesson import Lesson
from .diagnostics import Diagnostic, LessonError
from .directives import DirectiveInfo, Option
from .front_matter import read_front_matter
from .limits import MAX_SOURCE_BYTES, check_image
from .markdown import MAX_NESTING, markdown_parser
from .tree import InlineTooDeep, TNode, inline_dicts, inline_plain, token_tree

Loc = tuple[Any, ...]
ACTIVITY_KINDS = {cls.model_fields["type"].default for cls in ACTIVITY_TYPES}

# "Speaker (role): text" — the speaker starts with a letter and holds no colon or parentheses.
SPEAKER = re.compile(
    r"^(?P<name>[^\W\d_][^:()\\\n]{0,59}?)"
    r"(?:[ \t]*\((?P<role>[^()\\\n]*)\))?"
    r":[ \t]+(?P<rest>\S.*)$",
    re.DOTALL,
)
# Trailing reactions "{fire=3 +1=2}" on a thread message (an escaped "\{" is text).
REACTIONS = re.compile(r"(?<!\\)\{(?P<list>[a-z0-9_+-]+=\d+(?:[ ,]+[a-z0-9_+-]+=\d+)*)\}\s*$")
# A dialogue line that lost its speaker: "(Role): text" or ": text".
NAMELESS = re.compile(r"^(\([^()\n]*\))?[ \t]*:[ \t]")
THE_CALL = "The call:"
NEXT_STEP_SEPARATOR = re.compile(r"^\s*(?:[—–-]\s+|:\s*)?")

# Directive name -> options it accepts (every directive also takes :id:).
OPTIONS: dict[str, set[str]] = {
    "epigraph": {"attribution"},
    "scene": {"id", "setting"},
    "tension": {"id"},
    "thread": {"id", "channel", "topic"},
    "exercise": {"id", "duration", "word-target"},
    "judgment": {"id"},
    "practice": {"id", "case", "min-chars", "max-chars", "points", "rubric"},
    "decision": {"id"},
    "choice": {"id", "score"},
    "next_steps": {"id"},
}
# Option name -> model field, so a pydantic error on a field points at its option line.
OPTION_FIELDS = {
    "duration": "duration_minutes",
    "word-target": "word_target",
    "min-chars": "min_chars",
    "max-chars": "max_chars",
}


class Builder:
    """Collects diagnostics and source positions while turning a token tree into model data."""

    def __init__(self, path: str, source_dir: Path | None) -> None:
        self.path = path
        self.source_dir = source_dir
        self.diagnostics: list[Diagnostic] = []
        self.positions: dict[Loc, tuple[int, int]] = {}
        # Nodes the builder already reported and left incomplete: pydantic's "missing" and
        # "too short" errors under them are consequences, not news for the author.
        self.incomplete: set[Loc] = set()

    # -- reporting -------------------------------------------------------------------------

    def fail(self, line: int, col: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, max(line, 1), max(col, 1), code, message))

    def at(self, loc: Loc, line: int, col: int = 1) -> None:
        self.positions.setdefault(loc, (line, col))

    def forget(self, loc: Loc) -> None:
        """Drop the positions of a node that was not built, so the next one can take its place."""
        self.positions = {k: v for k, v in self.positions.items() if k[: len(loc)] != loc}

    # -- inline ----------------------------------------------------------------------------

    def rich(self, inline: Token | None, line: int, loc: Loc) -> dict[str, Any] | None:
        """Rich text from an inline token; images are checked against the lesson folder."""
        if inline is None or not inline.children:
            self.fail(line, 1, "empty", "text is empty")
            return None
        return self.rich_from(inline.children, line, loc)

    def rich_from(self, children: list[Token], line: int, loc: Loc) -> dict[str, Any] | None:
        try:
            inlines = inline_dicts(children)
        except InlineTooDeep:
            self.fail(line, 1, "too-deep", "emphasis or links are nested too deeply")
            return None
        self.check_images(inlines, line)
        self.at(loc, line)
        return {"inlines": inlines}

    @staticmethod
    def title_of(text: str | None) -> str | None:
        """A one-line title from Markdown inline syntax: formatting dropped, words kept, as in
        a ``## heading`` (so ``*PRD*`` reads PRD, not stars)."""
        if not text:
            return text
        tokens = markdown_parser().parseInline(text)
        return inline_plain(tokens[0].children or []) if tokens else text

    def rich_text_of(self, text: str, line: int, loc: Loc) -> dict[str, Any] | None:
        """Rich text from a string of Markdown inline syntax (an option value, a line's rest)."""
        tokens = markdown_parser().parseInline(text)
        return self.rich_from(tokens[0].children or [] if tokens else [], line, loc)

    def check_images(self, inlines: list[dict[str, Any]], line: int) -> None:
        for node in inlines:
            if node["type"] == "image":
                try:
                    check_asset_path(node["src"])
                except PydanticCustomError:
                    continue  # the model refuses the path itself, with its own message
                problem = check_image(self.source_dir, node["src"])
                if problem:
                    self.fail(line, 1, *problem)
            elif "children" in node:
                self.check_images(node["children"], line)

    # -- structure -------------------------------------------------------------------------

    def lesson(self, nodes: list[TNode], meta: dict[str, Any]) -> dict[str, Any]:
        intro: dict[str, Any] = {
            "type": "section",
            "id": "introduction",
            "title": None,
            "blocks": [],
        }
        sections: list[dict[str, Any]] = [intro]  # the introduction is dropped below if empty
        current: dict[str, Any] = intro
        epigraph = None
        for node in nodes:
            if node.kind == "front_matter":
                continue
            if node.kind == "heading":
                heading = self.heading(node)
                # A refused heading starts no section: what follows stays in the current one,
                # so it is still checked (and not silently dropped).
                if heading is not None:
                    current = heading
                    sections.append(heading)
                continue
            if node.kind == "directive" and node.token.meta["directive"].name == "epigraph":
                if current is not intro or intro["blocks"] or epigraph is not None:
                    self.fail(
                        node.line, 1, "misplaced-epigraph", "the epigraph must open the lesson"
                    )
                epigraph = self.epigraph(node)
                continue
            loc = ("sections", len(sections) - 1, "blocks", len(current["blocks"]))
            before = len(self.diagnostics)
            block = self.block(node, loc)
            if block is None:
                self.forget(loc)  # the next block takes this place in the model
                continue
            current["blocks"].append(block)
            if any(d.code not in KEEPS_CONTENT for d in self.diagnostics[before:]):
                self.incomplete.add(loc)
        if not intro["blocks"] and len(sections) > 1:
            sections.pop(0)
            self.positions = {_shift(k): v for k, v in self.positions.items()}
            self.incomplete = {_shift(k) for k in self.incomplete}
        for index, section in enumerate(sections):
            if "_line" in section:
                self.at(("sections", index), section["_line"])
        body = [n for n in nodes if n.kind != "front_matter"]
        if not body:
            self.fail(1, 1, "empty-lesson", "the lesson has no content")
        assign_ids(self, sections)
        return {**meta, "epigraph": epigraph, "sections": sections}

    def heading(self, node: TNode) -> dict[str, Any] | None:
        level = int(node.token.tag[1])
        if level != 2:
            hint = (
                "the title goes in the front matter"
                if level == 1
                else "sub-headings are not supported"
            )
            self.fail(node.line, 1, "heading-level", f"sections start with '## ' headings; {hint}")
            return None
        inline = node.inline
        title = inline_plain(inline.children or []) if inline else ""
        if not title.strip():
            self.fail(node.line, 1, "empty", "heading is empty")
            return None
        return {
            "type": "section",
            "id": None,
            "title": title.strip(),
            "blocks": [],
            "_line": node.line,
        }

    def block(self, node: TNode, loc: Loc) -> dict[str, Any] | None:
        self.at(loc, node.line)
        if node.kind == "paragraph":
            inline = node.inline
            if inline is not None and re.fullmatch(r":{3,}\s*", inline.content):
                self.fail(node.line, 1, "stray-fence", "closing fence without an open directive")
                return None
            text = self.rich(inline, node.line, loc + ("text",))
            return {"type": "paragraph", "text": text, "_line": node.line} if text else None
        if node.kind in ("bullet_list", "ordered_list"):
            return self.list_block(node, loc)
        if node.kind == "blockquote":
            paragraphs = self.paragraphs(node.children, loc + ("paragraphs",), "a quote")
            return {"type": "quote", "paragraphs": paragraphs, "_line": node.line}
        if node.kind == "directive":
            info: DirectiveInfo = node.token.meta["directive"]
            build = DIRECTIVES.get(info.name)
            if build is None:
                known = ", ".join(sorted(k for k in OPTIONS if k != "choice"))
                self.fail(
                    node.line,
                    1,
                    "unknown-directive",
                    f"unknown directive {info.name!r} (known: {known})",
                )
                return None
            if not info.closed:
                self.fail(
                    node.line,
                    1,
                    "unclosed-directive",
                    f"{opening(info)} is never closed",
                )
            options = self.options(info, node.line)
            block = build(self, node, info, options, loc)
            if block is not None:
                block["_line"] = node.line
                if "id" in options:
                    block["id"] = options["id"].value
                    self.at(loc + ("id",), options["id"].line + 1, options["id"].col + 1)
            return block
        names = {
            "fence": "code blocks",
            "code_block": "indented code blocks",
            "hr": "horizontal rules",
        }
        what = names.get(node.kind, node.kind.replace("_", " "))
        self.fail(node.line, 1, "unsupported", f"{what} are not supported in a lesson")
        return None

    def options(self, info: DirectiveInfo, line: int) -> dict[str, Option]:
        allowed = OPTIONS.get(info.name, set())
        found: dict[str, Option] = {}
        for option in info.options:
            where = (option.line + 1, option.col + 1)
            if option.key not in allowed:
                known = ", ".join(f":{k}:" for k in sorted(allowed)) or "none"
                self.fail(
                    *where,
                    "unknown-option",
                    f"{info.name} has no option :{option.key}: (known: {known})",
                )
            elif option.key in found:
                self.fail(*where, "duplicate-option", f"option :{option.key}: is given twice")
            else:
                found[option.key] = option
                if not option.value:
                    self.fail(*where, "empty-option", f"option :{option.key}: has no value")
        return found

    def int_option(self, options: dict[str, Option], key: str, loc: Loc) -> int | None:
        option = options.get(key)
        if option is None:
            return None
        self.at(loc + (OPTION_FIELDS.get(key, key),), option.line + 1, option.col + 1)
        if not option.value:
            return None  # reported by options()
        match = re.fullmatch(r"(\d{1,9})(?:\s*min(?:utes)?)?", option.value.strip())
        if match is None:
            self.fail(
                option.line + 1, option.col + 1, "bad-option", f":{key}: must be a whole number"
            )
            return None
        return int(match.group(1))

    def text_option(self, options: dict[str, Option], key: str, loc: Loc) -> str | None:
        option = options.get(key)
        if option is None:
            return None
        self.at(loc + (key,), option.line + 1, option.col + 1)
        return option.value or None  # an empty value is reported by options()

    def body(self, node: TNode, allowed: set[str], what: str) -> list[TNode]:
        """The directive's child blocks, reporting any kind it does not accept."""
        children = []
        for child in node.children:
            if child.kind in allowed:
                children.append(child)
            else:
                name = (
                    child.token.meta["directive"].name if child.kind == "directive" else child.kind
                )
                self.fail(
                    child.line,
                    1,
                    "unexpected-block",
                    f"{what} cannot contain {name.replace('_', ' ')}",
                )
        return children

    def paragraphs(self, nodes: list[TNode], loc: Loc, what: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for node in self.body(TNode(Token("x", "", 0), nodes), {"paragraph"}, what):
            text = self.rich(node.inline, node.line, loc + (len(out),))
            if text:
                out.append(text)
        return out

    def list_block(self, node: TNode, loc: Loc, items_key: str = "items") -> dict[str, Any]:
        items: list[Any] = []
        for item in node.children:
            inner = item.children
            if len(inner) != 1 or inner[0].kind != "paragraph":
                self.fail(
                    item.line,
                    1,
                    "unsupported-list",
                    "list items must be single paragraphs (no nesting)",
                )
                continue
            text = self.rich(inner[0].inline, item.line, loc + (items_key, len(items)))
            if text:
                items.append(text)
        start = node.token.attrGet("start")  # 0 is a valid start: no "or 1"
        start = int(start) if start is not None else 1
        return {
            "type": "list",
            "ordered": node.kind == "ordered_list",
            "start": start,
            "items": items,
        }

    def epigraph(self, node: TNode) -> dict[str, Any] | None:
        info: DirectiveInfo = node.token.meta["directive"]
        options = self.options(info, node.line)
        loc: Loc = ("epigraph",)
        self.at(loc, node.line)
        paragraphs = self.paragraphs(node.children, loc + ("text",), "an epigraph")
        attribution = self.title_of(self.text_option(options, "attribution", loc))
        if len(paragraphs) != 1:
            self.fail(node.line, 1, "epigraph-text", "an epigraph holds exactly one paragraph")
            return None
        if "attribution" not in options:
            self.fail(node.line, 1, "missing-attribution", "an epigraph needs :attribution:")
        if not attribution:
            return None
        return {"text": paragraphs[0], "attribution": attribution}

    def speaker_line(self, para: TNode, loc: Loc) -> dict[str, Any] | None:
        """``Name (role): text`` as name, role and rich text; None if it does not match."""
        inline = para.inline
        match = SPEAKER.match(inline.content) if inline is not None else None
        if match is None:
            return None
        text = self.rich_text_of(match.group("rest"), para.line, loc + ("text",))
        return {"name": match.group("name").strip(), "role": match.group("role"), "text": text}


def opening(info: DirectiveInfo) -> str:
    """The directive's opening as the author typed it, with a very long fence abbreviated."""
    fence = info.fence if len(info.fence) <= 8 else f"{info.fence[:3]}…({len(info.fence)} colons)"
    return f"'{fence}{{{info.name}}}'"


# -- one builder per directive kind -----------------------------------------------------------


def _shift(loc: Loc) -> Loc:
    """Renumber a section path once the empty introduction is dropped."""
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        return ("sections", loc[1] - 1, *loc[2:])
    return loc


DirectiveBuilder = Callable[
    [Builder, TNode, DirectiveInfo, dict[str, Option], Loc], "dict[str, Any] | None"
]


def build_scene(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any]:
    setting = b.text_option(opts, "setting", loc)
    lines: list[dict[str, Any]] = []
    for para in b.body(node, {"paragraph"}, "a scene"):
        line_loc = loc + ("lines", len(lines))
        b.at(line_loc, para.line)
        spoken = b.speaker_line(para, line_loc)
        content = para.inline.content if para.inline is not None else ""
        if spoken is None and NAMELESS.match(content):
            b.fail(para.line, 1, "bad-dialogue", "a dialogue line reads 'Name (Role): text'")
            b.forget(line_loc)
        elif spoken is not None:
            lines.append(
                {
                    "type": "dialogue",
                    "speaker": spoken["name"],
                    "role": spoken["role"],
                    "text": spoken["text"],
                }
            )
        else:
            lines.append(
                {"type": "narration", "text": b.rich(para.inline, para.line, line_loc + ("text",))}
            )
    return {
        "type": "scene",
        "setting": b.rich_text_of(setting, node.line, loc + ("setting",)) if setting else None,
        "lines": lines,
    }


def build_tension(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any] | None:
    paragraphs = b.paragraphs(node.children, loc + ("text",), "a tension")
    if len(paragraphs) != 1:
        b.fail(node.line, 1, "tension-text", "a tension holds exactly one paragraph")
        return None
    return {"type": "tension", "text": paragraphs[0]}


def build_thread(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for para in b.body(node, {"paragraph"}, "a thread"):
        msg_loc = loc + ("messages", len(messages))
        content = para.inline.content if para.inline is not None else ""
        reactions: list[dict[str, Any]] = []
        found = REACTIONS.search(content)
        if found:
            for pair in re.split(r"[ ,]+", found.group("list")):
                name, count = pair.split("=")
                reactions.append({"name": name, "count": int(count)})
            para.inline.content = content[: found.start()].rstrip()  # type: ignore[union-attr]
        spoken = b.speaker_line(para, msg_loc)
        if spoken is not None:
            b.at(msg_loc, para.line)
        else:
            b.forget(msg_loc)
            b.fail(para.line, 1, "bad-message", "a thread message reads 'Name (Role): text'")
            continue
        messages.append(
            {
                "author": spoken["name"],
                "role": spoken["role"],
                "text": spoken["text"],
                "reactions": reactions,
            }
        )
    if "channel" not in opts:
        b.fail(node.line, 1, "missing-channel", "a thread needs :channel: (e.g. #team)")
    return {
        "type": "thread",
        "channel": b.text_option(opts, "channel", loc),
        "topic": b.title_of(b.text_option(opts, "topic", loc)),
        "messages": messages,
    }


def build_exercise(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any]:
    parts: dict[str, list[Any]] = {"instructions": [], "steps": [], "closing": []}
    stage = "instructions"
    for child in b.body(node, {"paragraph", "ordered_list"}, "an exercise"):
        if child.kind == "ordered_list":
            if stage != "instructions":
                b.fail(
                    child.line, 1, "exercise-steps", "an exercise has one numbered list of steps"
                )
                continue
            parts["steps"] = b.list_block(child, loc, "steps")["items"]
            b.at(loc + ("steps",), child.line)
            stage = "closing"
        else:
            text = b.rich(child.inline, child.line, loc + (stage, len(parts[stage])))
            if text:
                parts[stage].append(text)
    duration = b.int_option(opts, "duration", loc)
    if "duration" not in opts:
        b.fail(node.line, 1, "missing-duration", "an exercise needs :duration: (minutes, 1-240)")
    return {
        "type": "exercise",
        "title": b.title_of(info.argument),
        "duration_minutes": duration,
        "word_target": b.int_option(opts, "word-target", loc),
        **parts,
    }


def _case_and_call(
    b: Builder, node: TNode, loc: Loc, what: str
) -> tuple[list[Any], dict[str, Any] | None]:
    """Scenario paragraphs, then the last paragraph as the question, which opens 'The call:'."""
    paras = b.body(node, {"paragraph"}, what)
    if not paras:
        return [], None
    last = paras[-1]
    content = last.inline.content if last.inline is not None else ""
    if not content.startswith(THE_CALL):
        b.fail(last.line, 1, "missing-call", f"{what} ends with a paragraph starting '{THE_CALL}'")
        return [], None
    scenario: list[Any] = []
    for para in paras[:-1]:
        text = b.rich(para.inline, para.line, loc + ("scenario", len(scenario)))
        if text:
            scenario.append(text)
    question = b.rich_text_of(content[len(THE_CALL) :].strip(), last.line, loc + ("question",))
    return scenario, question


def build_judgment(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any] | None:
    scenario, question = _case_and_call(b, node, loc, "a judgment")
    if question is None:
        if not node.children:
            b.fail(
                node.line,
                1,
                "missing-call",
                f"a judgment ends with a paragraph starting '{THE_CALL}'",
            )
        return None
    return {"type": "judgment", "scenario": scenario, "question": question}


def build_practice(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any] | None:
    scenario: list[Any] = []
    question = None
    if node.children:
        scenario, question = _case_and_call(b, node, loc, "a practice")
    if "min-chars" not in opts:
        b.fail(node.line, 1, "missing-min-chars", "a practice needs :min-chars:")
    rubric = []
    raw = b.text_option(opts, "rubric", loc)
    for part in (raw or "").split(";"):
        if not part.strip():
            continue
        keyword, _, value = part.rpartition("=")
        if not keyword.strip() or not value.strip().isdigit():
            option = opts["rubric"]
            b.fail(
                option.line + 1,
                option.col + 1,
                "bad-option",
                ":rubric: reads 'keyword=points; other=points'",
            )
            continue
        rubric.append({"keyword": keyword.strip(), "points": int(value)})
    data: dict[str, Any] = {
        "type": "practice",
        "case": b.text_option(opts, "case", loc),
        "scenario": scenario,
        "question": question,
        "min_chars": b.int_option(opts, "min-chars", loc),
        "max_chars": b.int_option(opts, "max-chars", loc),
        "rubric": rubric,
    }
    if (points := b.int_option(opts, "points", loc)) is not None:
        data["points"] = points
    return data


def build_decision(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any]:
    scenario: list[Any] = []
    choices: list[dict[str, Any]] = []
    for child in b.body(node, {"paragraph", "directive"}, "a decision"):
        if child.kind == "paragraph":
            if choices:
                b.fail(
                    child.line,
                    1,
                    "decision-order",
                    "a decision's paragraphs come before its choices",
                )
            text = b.rich(child.inline, child.line, loc + ("scenario", len(scenario)))
            if text:
                scenario.append(text)
            continue
        choice_info: DirectiveInfo = child.token.meta["directive"]
        if choice_info.name != "choice":
            b.fail(
                child.line, 1, "unexpected-block", f"a decision cannot contain {choice_info.name}"
            )
            continue
        if not choice_info.closed:
            b.fail(
                child.line,
                1,
                "unclosed-directive",
                f"{opening(choice_info)} is never closed",
            )
        choice_loc = loc + ("choices", len(choices))
        b.at(choice_loc, child.line)
        choice_opts = b.options(choice_info, child.line)
        feedback = b.paragraphs(child.children, choice_loc + ("feedback",), "a choice's feedback")
        if len(feedback) > 1:
            b.fail(child.line, 1, "choice-feedback", "a choice's feedback is one paragraph")
        if not choice_info.argument:
            # Kept without its text (reported here), so the count of choices stays right.
            b.fail(child.line, 1, "empty", "a choice needs its text after '{choice}'")
        choice: dict[str, Any] = {
            "text": b.rich_text_of(choice_info.argument, child.line, choice_loc + ("text",))
            if choice_info.argument
            else None,
            "feedback": feedback[0] if feedback else None,
        }
        score = b.int_option(choice_opts, "score", choice_loc)
        if score is not None:
            choice["score"] = score
        pinned = b.text_option(choice_opts, "id", choice_loc)
        choice["id"] = pinned or choice_id(choice_info.argument)
        choices.append(choice)
    return {
        "type": "decision",
        "title": b.title_of(info.argument),
        "scenario": scenario,
        "choices": choices,
    }


def build_next_steps(
    b: Builder, node: TNode, info: DirectiveInfo, opts: dict[str, Option], loc: Loc
) -> dict[str, Any]:
    links: list[dict[str, Any]] = []
    for lst in b.body(node, {"bullet_list"}, "next steps"):
        for item in lst.children:
            link_loc = loc + ("links", len(links))
            inline = item.children[0].inline if len(item.children) == 1 else None
            kids = inline.children or [] if inline is not None else []
            close = next((i for i, t in enumerate(kids) if t.type == "link_close"), None)
            if not kids or kids[0].type != "link_open" or close is None:
                b.fail(
                    item.line,
                    1,
                    "bad-next-step",
                    "each next step reads '[Title](link) — description'",
                )
                continue
            b.at(link_loc, item.line)
            rest = kids[close + 1 :]
            if rest and rest[0].type == "text":
                # One separator (" — ", " - ", ": ") goes; "-20% churn" keeps its sign.
                stripped = NEXT_STEP_SEPARATOR.sub("", rest[0].content, count=1)
                rest = ([rest[0].copy(content=stripped)] if stripped else []) + rest[1:]
            links.append(
                {
                    "title": inline_plain(kids[1:close]),
                    "href": str(kids[0].attrGet("href") or ""),
                    "description": b.rich_from(rest, item.line, link_loc + ("description",))
                    if rest
                    else None,
                }
            )
    return {"type": "next_steps", "links": links}


DIRECTIVES: dict[str, DirectiveBuilder] = {
    "scene": build_scene,
    "tension": build_tension,
    "thread": build_thread,
    "exercise": build_exercise,
    "judgment": build_judgment,
    "practice": build_practice,
    "decision": build_decision,
    "next_steps": build_next_steps,
}


# -- ids --------------------------------------------------------------------------------------


def choice_id(text: str) -> str:
    slug = slugify(text, max_words=5, max_length=40)
    return slug if slug[:1].isalpha() else make_id("choice", text, max_words=5)


def derived_id(block: dict[str, Any], judgments: dict[int, str]) -> str:
    """``type-words``: from the title, or the first words of the block's text."""
    kind = str(block["type"])
    prefix = {"paragraph": "p", "next_steps": "next-steps"}.get(kind, kind)

    def first_text(*keys: str) -> str:
        for key in keys:
            value = block.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, dict) and "inlines" in value:
                return _plain(value["inlines"])
            if isinstance(value, dict) and "text" in value:
                return _plain(value["text"]["inlines"]) if value.get("text") else ""
            if isinstance(value, str):
                return value
        return ""

    if kind == "practice" and block.get("case"):
        return make_id("practice", str(block["case"]).removeprefix("judgment-"))
    if kind == "thread":
        return make_id("thread", f"{block.get('channel') or ''} {block.get('topic') or ''}")
    if kind == "next_steps":
        return prefix
    text = first_text(
        "title",
        "text",
        "setting",
        "scenario",
        "question",
        "items",
        "paragraphs",
        "lines",
        "instructions",
    )
    return make_id(prefix, text)


def _plain(inlines: list[dict[str, Any]] | None) -> str:
    parts = []
    for node in inlines or []:
        parts.append(node.get("text") or node.get("alt") or _plain(node.get("children")))
    return " ".join(parts)


def assign_ids(b: Builder, sections: list[dict[str, Any]]) -> None:
    """Pinned ids first; derived ids after. Ties among non-activities get -2, -3 ...;
    two activities deriving the same id is an error, since a suffix would depend on order."""
    taken: dict[str, int] = {}
    for section in sections:
        for block in [section, *section["blocks"]]:
            if block.get("id"):
                if block["id"] in taken:
                    b.fail(
                        block.get("_line", 1),
                        1,
                        "duplicate-id",
                        f"id {block['id']!r} is already used on line {taken[block['id']]}",
                    )
                taken.setdefault(block["id"], block.get("_line", 1))
    for section in sections:
        if section["id"] is None:
            slug = slugify(section["title"])
            section["id"] = slug if slug[:1].isalpha() else make_id("section", section["title"])
        for block in [section, *section["blocks"]]:
            if block.get("id") and block is not section:
                continue
            if (
                block is section
                and block["id"] in taken
                and taken[block["id"]] == block.get("_line", 1)
            ):
                continue
            base = block["id"] if block is section else derived_id(block, {})
            candidate, n = base, 1
            if block.get("type") in ACTIVITY_KINDS and candidate in taken:
                b.fail(
                    block["_line"],
                    1,
                    "duplicate-id",
                    f"{block['type']} derives the id {candidate!r}, already used on line "
                    f"{taken[candidate]}; set a distinct :id:",
                )
            else:
                while candidate in taken:
                    n += 1
                    candidate = with_suffix(base, n)
            block["id"] = candidate
            taken[candidate] = block.get("_line", 1)


# -- entry point ------------------------------------------------------------------------------


def parse_markdown(
    text: str,
    path: str = "<string>",
    *,
    lesson_id: str | None = None,
    source_dir: Path | None = None,
) -> Lesson:
    """Parse authoring Markdown into a validated Lesson, or raise LessonError with every problem."""
    text = normalise_newlines(text, path)
    b = Builder(path, source_dir)
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(text, env)
    check_nesting(b, tokens)
    nodes = token_tree(tokens)

    meta: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    if nodes and nodes[0].kind == "front_matter":
        meta, where, problems = read_front_matter(nodes[0].token.content, 2, path)
        b.diagnostics.extend(problems)
    for key, pos in where.items():
        b.at((key,), *pos)
    meta.setdefault("language", "en-IN")
    if lesson_id and "id" not in meta:
        meta["id"] = lesson_id
    if "title" not in meta:
        b.incomplete.add(("title",))
        # A title that is there but unreadable (bad YAML, a list) is already reported.
        unreadable = "title" in where or any(d.code == "front-matter" for d in b.diagnostics)
        if not unreadable:
            b.fail(1, 1, "missing-title", "the front matter needs a title")
    if "id" not in meta:
        meta["id"] = slugify(meta.get("title", "")) or "lesson"
    data = b.lesson(nodes, meta)
    return validate(b, data)


def normalise_newlines(text: str, path: str) -> str:
    """Drop a BOM, turn CRLF and lone CR into LF, refuse sources past the size limit."""
    if len(text) > MAX_SOURCE_BYTES:
        raise LessonError(
            [
                Diagnostic(
                    path,
                    1,
                    1,
                    "too-large",
                    f"source is larger than the {MAX_SOURCE_BYTES // 1_000_000} MB limit",
                )
            ]
        )
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def check_nesting(b: Builder, tokens: list[Token]) -> None:
    """markdown-it stops silently at maxNesting; make that an error instead of lost text."""
    for token in tokens:
        if token.nesting == 1 and token.level >= MAX_NESTING - 1:
            line = token.map[0] + 1 if token.map else 1
            b.fail(line, 1, "too-deep", f"blocks are nested more than {MAX_NESTING} levels deep")
            return


def strip_private(value: Any) -> Any:
    """Drop builder bookkeeping (``_line``) and Nones the model would default."""
    if isinstance(value, dict):
        return {
            k: strip_private(v) for k, v in value.items() if not k.startswith("_") and v is not None
        }
    if isinstance(value, list):
        return [strip_private(v) for v in value]
    return value


def validate(b: Builder, data: dict[str, Any]) -> Lesson:
    """Validate the whole lesson once; map each pydantic error to the source line it came from."""
    problems: list[Any] = []
    lesson = None
    structural = bool(b.diagnostics)
    try:
        lesson = Lesson.model_validate(strip_private(data), context={"problems": problems})
    except ValidationError as exc:
        for err in exc.errors():
            loc = _model_loc(err["loc"])
            if err["type"] in CONSEQUENCES and any(
                loc[:n] in b.incomplete for n in range(len(loc) + 1)
            ):
                continue
            line, col = lookup(b, loc)
            # Name the field ("min_chars: ..."); a check on a whole node speaks for itself.
            field = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
            b.fail(line, col, _code(err["type"]), f"{field}: {err['msg']}" if field else err["msg"])
    # Checks across nodes are only trusted once every node could be built.
    for loc, code, message in problems if not structural else []:
        line, col = lookup(b, tuple(loc))
        b.fail(line, col, code, message)
    if b.diagnostics or lesson is None:
        raise LessonError(b.diagnostics)
    return lesson


CONSEQUENCES = {"missing", "too_short"}
"""Pydantic error types that follow from content the builder refused (and reported)."""
KEEPS_CONTENT = {"unknown-option", "duplicate-option", "unclosed-directive", "bad-image"}
"""Builder diagnostics that leave the node complete, so pydantic's findings on it are news."""

BLOCK_TAGS = {
    "paragraph",
    "list",
    "quote",
    "scene",
    "tension",
    "thread",
    "exercise",
    "judgment",
    "practice",
    "decision",
    "next_steps",
    "dialogue",
    "narration",
    "text",
    "code",
    "line_break",
    "image",
    "emphasis",
    "strong",
    "link",
}


def _model_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop the discriminator tags pydantic puts in union locations."""
    return tuple(
        p
        for i, p in enumerate(loc)
        if not (p in BLOCK_TAGS and i > 0 and isinstance(loc[i - 1], int))
    )


def lookup(b: Builder, loc: Loc) -> tuple[int, int]:
    """Position of the nearest located ancestor of a model path."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in b.positions:
            return b.positions[loc[:end]]
    return 1, 1


def _code(pydantic_type: str) -> str:
    known = {
        "greater_than_equal": "out-of-range",
        "less_than_equal": "out-of-range",
        "greater_than": "out-of-range",
        "less_than": "out-of-range",
        "missing": "missing",
        "too_short": "empty",
        "string_too_short": "empty",
        "string_too_long": "too-long",
        "too_long": "too-long",
        "string_pattern_mismatch": "invalid-value",
        "literal_error": "invalid-value",
    }
    return known.get(pydantic_type, pydantic_type.replace("_", "-"))
