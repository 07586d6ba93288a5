"""One builder per directive kind: scene, tension, thread, exercise, judgment, practice,
decision (with its choices) and next-steps. Each takes the directive's node and options and
returns the block's model dictionary (or None after reporting why it cannot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .directives import DirectiveInfo, Option
from .ids import choice_id
from .lint import link_warning, longer_fence, reaction_warning
from .syntax import (
    NAMELESS,
    NEXT_STEP_SEPARATOR,
    REACTION_PAIR,
    REACTIONS,
    SPEAKER_NO_SPACE,
    THE_CALL,
    opening,
)
from .tree import TNode, inline_plain

if TYPE_CHECKING:
    from .builder import Builder
    from .recorder import Loc

DirectiveBuilder = Callable[
    ["Builder", TNode, DirectiveInfo, dict[str, Option], "Loc"], "dict[str, Any] | None"
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
            continue
        if spoken is None and (squeezed := SPEAKER_NO_SPACE.match(content)):
            first = content.split("\n", 1)[0][:40]
            message = f"{first!r} is narration; if {squeezed.group(1)} says it, put a space after"
            b.warn(para.line, 1, "dialogue-spacing", message + " the colon")
        if spoken is not None:
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
            for pair in REACTION_PAIR.finditer(found.group("list")):
                name, count = pair.group("name"), pair.group("count")
                reactions.append({"name": name, "count": int(count)})
                problem = reaction_warning(name)
                if problem is not None:
                    at = found.start("list") + pair.start()
                    line = para.line + content.count("\n", 0, at)
                    b.warn(line, at - content.rfind("\n", 0, at), *problem)
            para.inline.content = content[: found.start()].rstrip()  # type: ignore[union-attr]
        elif (written := unread_reactions(content)) is not None:
            message = f"{written!r} stays text: reactions are names, like {{eyes=4 +1=2 fire=1}}"
            b.warn(para.line, 1, "bad-reactions", message)
        spoken = b.speaker_line(para, msg_loc)
        if spoken is not None:
            b.at(msg_loc, para.line)
        else:
            b.forget(msg_loc)
            hint = " (with a space after the colon)" if SPEAKER_NO_SPACE.match(content) else ""
            message = f"a thread message reads 'Name (Role): text'{hint}"
            b.fail(para.line, 1, "bad-message", message)
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


def unread_reactions(content: str) -> str | None:
    """A trailing ``{...=4 ...}`` that is not a list of reaction names (``{👀=4}``), if any."""
    text = content.rstrip()
    start = text.rfind("{")
    if not text.endswith("}") or start < 0 or (start > 0 and text[start - 1] == "\\"):
        return None
    inside = text[start + 1 : -1]
    return text[start:] if "=" in inside and any(c.isdigit() for c in inside) else None


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


def rubric_parts(raw: str) -> list[str]:
    """``risk=2; data=1`` or ``risk=2, data=1`` as ``["risk=2", "data=1"]``.

    A comma separates entries only after ``=points``, so a keyword may still hold one in the
    semicolon form (``cost, risk=2; data=1``).
    """
    parts: list[str] = []
    for chunk in raw.split(";"):
        pending: list[str] = []
        for piece in chunk.split(","):
            pending.append(piece)
            _, equals, points = piece.rpartition("=")
            if equals and points.strip().isdigit():
                parts.append(",".join(pending))
                pending = []
        if ",".join(pending).strip():
            parts.append(",".join(pending))
    return [part for part in parts if part.strip()]


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
    for part in rubric_parts(raw or ""):
        keyword, _, value = part.rpartition("=")
        if not keyword.strip() or not value.strip().isdigit():
            option = opts["rubric"]
            b.fail(
                option.line + 1,
                option.col + 1,
                "bad-option",
                f":rubric: {part.strip()!r} is not keyword=points; the option reads "
                "'risk=2; data=1' (or 'risk=2, data=1')",
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
) -> dict[str, Any] | None:
    scenario: list[Any] = []
    choices: list[dict[str, Any]] = []
    children = b.body(node, {"paragraph", "directive"}, "a decision")
    inner = [c.token.meta["directive"] for c in children if c.kind == "directive"]
    if any(not c.closed and len(c.fence) >= len(info.fence) for c in inner):
        # The first choice's closing fence closed the decision: one error, with the fix.
        fence = max(len(c.fence) for c in inner)
        message = (
            f"the decision's fence is no longer than its choices': open it with "
            f"{longer_fence(':' * fence, 'decision')} and close it with '{':' * (fence + 1)}'"
        )
        b.fail(node.line, 1, "fence-nesting", message)
        b.fence_cascade = True
        return None
    for child in children:
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
            href = str(kids[0].attrGet("href") or "")
            if problem := link_warning(href):
                b.warn(item.line, 1, *problem)
            rest = kids[close + 1 :]
            if rest and rest[0].type == "text":
                # One separator (" — ", " - ", ": ") goes; "-20% churn" keeps its sign.
                stripped = NEXT_STEP_SEPARATOR.sub("", rest[0].content, count=1)
                rest = ([rest[0].copy(content=stripped)] if stripped else []) + rest[1:]
            links.append(
                {
                    "title": inline_plain(kids[1:close]),
                    "href": href,
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
    "next-steps": build_next_steps,
}
