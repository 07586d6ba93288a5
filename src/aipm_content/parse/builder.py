"""The Builder: turns the token tree into model dictionaries, recording where each came from.

Builders produce plain dictionaries; the whole lesson is then validated once (validate.py) and
every pydantic error is mapped back to the line it came from. One function per directive kind
lives in kinds.py; ids are assigned in ids.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from markdown_it.token import Token

from .directives import DirectiveInfo, Option
from .ids import assign_ids
from .kinds import DIRECTIVES
from .lint import bare_directive, longer_fence, misplaced_option
from .recorder import Loc, Recorder
from .syntax import DURATION, OPTION_FIELDS, OPTIONS, SPEAKER, STRAY_FENCE, heading_id, opening
from .tree import TNode, inline_plain

KEEPS_CONTENT = {"unknown-option", "duplicate-option", "unclosed-directive", "bad-image"}
"""Builder diagnostics that leave the node complete, so pydantic's findings on it are news."""


class Builder(Recorder):
    """Turns a token tree into model data, recording where each value came from."""

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
        raw = node.inline.content if node.inline else ""
        pinned = heading_id(raw)
        if pinned is not None:  # "## Title {#id}": the title without its id
            raw = raw[: pinned[0]]
        title = inline_plain(self.md.parseInline(raw)[0].children or []) if raw else ""
        if not title.strip():
            self.fail(node.line, 1, "empty", "heading is empty")
            return None
        return {
            "type": "section",
            "id": pinned[1] if pinned else None,
            "title": title.strip(),
            "blocks": [],
            "_line": node.line,
        }

    def block(self, node: TNode, loc: Loc) -> dict[str, Any] | None:
        self.at(loc, node.line)
        # After a decision whose fence is as long as its choices' (reported there), the
        # choices and fences that spill out of it are part of that one error.
        cascade, self.fence_cascade = self.fence_cascade, False
        if node.kind == "paragraph":
            inline = node.inline
            if inline is not None and STRAY_FENCE.fullmatch(inline.content):
                self.fence_cascade = cascade
                if not cascade:
                    message = "closing fence without an open directive"
                    self.fail(node.line, 1, "stray-fence", message)
                return None
            if not self.plain_paragraph(node):
                return None
            text = self.rich(inline, node.line, loc + ("text",))
            return {"type": "paragraph", "text": text, "_line": node.line} if text else None
        if node.kind in ("bullet_list", "ordered_list"):
            return self.list_block(node, loc)
        if node.kind == "blockquote":
            paragraphs = self.paragraphs(node.children, loc + ("paragraphs",), "a quote")
            return {"type": "quote", "paragraphs": paragraphs, "_line": node.line}
        if node.kind == "directive":
            info = self.directive_info(node)
            build = DIRECTIVES.get(info.name)
            if info.name == "choice":
                self.fence_cascade = cascade
                if not cascade:
                    message = "a choice must be inside a decision: '::::{decision} Title', its"
                    message += " ':::{choice}'s, then '::::'"
                    self.fail(node.line, 1, "misplaced-choice", message)
                return None
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
        message = f"{what} are not supported in a lesson"
        source = self.lines[node.line - 1] if 0 < node.line <= len(self.lines) else ""
        if node.kind == "code_block" and "\t" in source[: len(source) - len(source.lstrip())]:
            message = "a tab at the start of this line makes it a code block; delete the tab"
            message += " (list items and paragraphs start at the margin)"
        self.fail(node.line, 1, "unsupported", message)
        return None

    def directive_info(self, node: TNode) -> DirectiveInfo:
        """The directive's opening, its name in the hyphenated spelling (``next_steps`` is
        accepted with a warning)."""
        info: DirectiveInfo = node.token.meta["directive"]
        spelled = info.name.replace("_", "-")
        if spelled != info.name and spelled in OPTIONS:
            message = f"write the directive name {info.name!r} with a hyphen: '{{{spelled}}}'"
            self.warn(node.line, 1, "underscore", message)
            info = replace(info, name=spelled)
            node.token.meta["directive"] = info
        return info

    def options(self, info: DirectiveInfo, line: int) -> dict[str, Option]:
        allowed = OPTIONS.get(info.name, set())
        found: dict[str, Option] = {}
        for option in info.options:
            where = (option.line + 1, option.col + 1)
            spelled = option.key.replace("_", "-")
            if spelled != option.key and spelled in allowed:
                message = f"write the option :{option.key}: with a hyphen: :{spelled}:"
                self.warn(option.line + 1, 1, "underscore", message)
                option = replace(option, key=spelled)
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
        match = DURATION.fullmatch(option.value.strip())
        if match is None:
            value = option.value.strip()
            why = "write the number without quotes" if value[:1] in "\"'“‘«" else "digits only"
            message = f":{key}: {value!r} is not a whole number ({why}, e.g. :{key}: 10)"
            self.fail(option.line + 1, option.col + 1, "bad-option", message)
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
        parent: DirectiveInfo | None = node.token.meta.get("directive")
        children = []
        for child in node.children:
            if child.kind == "paragraph" and not self.plain_paragraph(child, parent):
                continue
            if child.kind in allowed:
                children.append(child)
                continue
            inner: DirectiveInfo | None = child.token.meta.get("directive")
            name = inner.name if inner is not None else child.kind
            if (
                parent is not None
                and inner is not None
                and not inner.closed
                and len(inner.fence) >= len(parent.fence)
            ):
                # The inner fence closed the outer directive: the outer one was never closed
                # where the author meant (or its fence is too short to hold the inner one).
                message = (
                    f"{opening(parent)} (line {node.line}) is not closed before "
                    f"{opening(inner)}: close it first, or give it a longer fence "
                    f"({longer_fence(inner.fence, parent.name)}) if it holds the {name}"
                )
                self.fail(child.line, 1, "unexpected-block", message)
                continue
            self.fail(
                child.line, 1, "unexpected-block", f"{what} cannot contain {name.replace('_', ' ')}"
            )
        return children

    def plain_paragraph(self, node: TNode, parent: DirectiveInfo | None = None) -> bool:
        """Report a paragraph that was meant as markup (``:::sidebar``); warn about an option
        line in a directive's body. False if the paragraph is not to be built."""
        content = node.inline.content if node.inline is not None else ""
        if (message := bare_directive(content)) is not None:
            self.fail(node.line, 1, "unknown-directive", message)
            return False
        if parent is not None:
            misplaced = misplaced_option(content, OPTIONS.get(parent.name, set()))
            if misplaced is not None:
                self.warn(node.line, 1, "misplaced-option", misplaced)
        return True

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
        if match.group("role") is None and match.string[match.start("rest") - 1] == ":":
            return None  # "Note:this" is text; without a role a speaker needs ": "
        if match.group("role") is not None:  # locate a refused role at the role
            self.at(loc + ("role",), para.line, self.column(para.line, match.start("role")))
        text = self.rich_text_of(match.group("rest"), para.line, loc + ("text",))
        return {"name": match.group("name").strip(), "role": match.group("role"), "text": text}


def _shift(loc: Loc) -> Loc:
    """Renumber a section path once the empty introduction is dropped."""
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        return ("sections", loc[1] - 1, *loc[2:])
    return loc
