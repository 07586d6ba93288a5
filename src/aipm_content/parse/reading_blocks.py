"""The blocks of a reading-app text (scene, tension, thread, exercise, judgment, practice,
decision), each built from the paragraphs its marker opened."""

from __future__ import annotations

from typing import Any

from .builder import Builder
from .ids import derived_id
from .lint import reaction_warning
from .markdown import typographic
from .reading_text import (
    ANSWER_BOX,
    DIALOGUE,
    DURATION,
    EXERCISE,
    MESSAGE,
    REACTION_PAIR,
    STEP,
    THE_CALL,
    THREAD,
    THREAD_HEAD,
    WORD_TARGET,
    Para,
    Pending,
    trailing_reactions,
)
from .recorder import Loc


class BlockReader:
    """Builds a block's dictionary from its marker and paragraphs, reporting what is wrong."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.judgments: list[tuple[list[str], dict[str, Any]]] = []

    # -- text --------------------------------------------------------------------------------

    def plain(self, text: str, line: int, loc: Loc) -> dict[str, Any] | None:
        """Rich text holding ``text`` as one plain run: nothing in it is Markdown."""
        text = text.strip()
        if not text:
            self.b.fail(line, 1, "empty", "text is empty")
            return None
        self.b.at(loc, line)
        return {"inlines": [{"type": "text", "text": typographic(text)}]}

    # -- blocks ------------------------------------------------------------------------------

    def empty(self, pending: Pending, what: str) -> None:
        self.b.fail(
            pending.marker.line,
            1,
            "empty-block",
            f"{what} has no text before the next marker or heading",
        )

    def build_scene(self, pending: Pending, paras: list[Para], loc: Loc) -> dict[str, Any] | None:
        setting = None
        if paras and DIALOGUE.match(paras[0].text) is None:
            setting_para = paras.pop(0)
            setting = self.plain(setting_para.text, setting_para.line, loc + ("setting",))
        if not paras:
            self.empty(pending, "a scene")
            return None
        lines: list[dict[str, Any]] = []
        for para in paras:
            line_loc = loc + ("lines", len(lines))
            self.b.at(line_loc, para.line)
            spoken = DIALOGUE.match(para.text)
            if spoken is not None:
                lines.append(
                    {
                        "type": "dialogue",
                        "speaker": spoken.group("name").strip(),
                        "role": spoken.group("role"),
                        "text": self.plain(spoken.group("text"), para.line, line_loc + ("text",)),
                    }
                )
            else:
                lines.append(
                    {
                        "type": "narration",
                        "text": self.plain(para.text, para.line, line_loc + ("text",)),
                    }
                )
        return {"type": "scene", "setting": setting, "lines": lines}

    def build_tension(self, pending: Pending, paras: list[Para], loc: Loc) -> dict[str, Any] | None:
        if not paras:
            self.empty(pending, "a tension")
            return None
        if len(paras) > 1:
            self.b.fail(paras[1].line, 1, "tension-text", "a tension holds exactly one paragraph")
            return None
        text = self.plain(paras[0].text, paras[0].line, loc + ("text",))
        return {"type": "tension", "text": text} if text else None

    def build_thread(self, pending: Pending, paras: list[Para], loc: Loc) -> dict[str, Any] | None:
        head = THREAD_HEAD.match(THREAD.match(pending.marker.first).group("rest"))  # type: ignore[union-attr]
        if head is None:
            self.b.fail(
                pending.marker.line, 1, "bad-marker", "a thread opens '// thread: #channel — topic'"
            )
            return None
        self.b.at(loc + ("channel",), pending.marker.line)
        self.b.at(loc + ("topic",), pending.marker.line)
        messages: list[dict[str, Any]] = []
        for para in paras:
            for n, raw in enumerate(para.lines):
                line = para.line + n
                message = self.message(raw, line, loc + ("messages", len(messages)))
                if message is not None:
                    messages.append(message)
        if not messages and not paras:
            self.empty(pending, "a thread")
            return None
        return {
            "type": "thread",
            "channel": head.group("channel"),
            "topic": typographic(head.group("topic")) if head.group("topic") else None,
            "messages": messages,
        }

    def message(self, raw: str, line: int, loc: Loc) -> dict[str, Any] | None:
        text = raw.strip()
        col = len(raw) - len(raw.lstrip()) + 1
        reactions: list[dict[str, Any]] = []
        found = trailing_reactions(text)
        if found:
            start, listed = found
            for pair in REACTION_PAIR.finditer(listed):
                name = pair.group("name")
                reactions.append({"name": name, "count": int(pair.group("count"))})
                problem = reaction_warning(name)
                if problem is not None:
                    self.b.warn(line, col + text.rfind(pair.group(0), start), *problem)
            text = text[:start].rstrip()
        match = MESSAGE.match(text)
        if match is None:
            self.b.fail(
                line,
                col,
                "bad-message",
                "a thread message reads 'Name (Role) text' (or 'Name: text')",
            )
            return None
        self.b.at(loc, line, col)
        return {
            "author": match.group("name").strip(),
            "role": match.group("role"),
            "text": self.plain(match.group("text"), line, loc + ("text",)),
            "reactions": reactions,
        }

    def build_exercise(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        marker = pending.marker
        head = EXERCISE.match(marker.first)
        duration = DURATION.match(head.group("rest")) if head else None
        if duration is None:
            self.b.fail(
                marker.line, 1, "missing-duration", "an exercise opens '// exercise: · 20 min'"
            )
        if pending.title is None:
            self.b.fail(
                marker.line,
                1,
                "missing-title",
                "the exercise's title goes on the line after its marker",
            )
        parts: dict[str, list[Any]] = {"instructions": [], "steps": [], "closing": []}
        stage = "instructions"
        word_target = None
        for para in paras:
            if all(STEP.match(line) for line in para.lines) and stage != "closing":
                for n, raw in enumerate(para.lines):
                    step = STEP.match(raw)
                    assert step is not None
                    text = self.plain(
                        step.group("text"), para.line + n, loc + ("steps", len(parts["steps"]))
                    )
                    if text:
                        parts["steps"].append(text)
                stage = "steps"
                continue
            if stage == "steps":
                stage = "closing"
            target = WORD_TARGET.search(para.text)
            if target and word_target is None:
                word_target = int(target.group("n"))
                self.b.at(loc + ("word_target",), para.line)
            text = self.plain(para.text, para.line, loc + (stage, len(parts[stage])))
            if text:
                parts[stage].append(text)
        if not paras:
            self.empty(pending, "an exercise")
            return None
        self.b.at(loc + ("duration_minutes",), marker.line)
        self.b.at(loc + ("title",), marker.line + 1)
        return {
            "type": "exercise",
            "title": pending.title,
            "duration_minutes": int(duration.group("minutes")) if duration else None,
            "word_target": word_target,
            **parts,
        }

    def case_and_call(
        self, pending: Pending, paras: list[Para], loc: Loc, what: str
    ) -> tuple[list[Any], dict[str, Any] | None]:
        if not paras:
            self.empty(pending, what)
            return [], None
        last = paras[-1]
        if not last.text.startswith(THE_CALL):
            self.b.fail(
                last.line, 1, "missing-call", f"{what} ends with a paragraph starting '{THE_CALL}'"
            )
            return [], None
        scenario: list[dict[str, Any]] = []
        for para in paras[:-1]:
            text = self.plain(para.text, para.line, loc + ("scenario", len(scenario)))
            if text:
                scenario.append(text)
        question = self.plain(last.text[len(THE_CALL) :], last.line, loc + ("question",))
        return scenario, question

    def build_judgment(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        scenario, question = self.case_and_call(pending, paras, loc, "a judgment")
        if question is None:
            return None
        block = {"type": "judgment", "scenario": scenario, "question": question}
        self.judgments.append(([p.text for p in paras], block))
        return block

    def build_practice(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        box = ANSWER_BOX.match(paras[-1].text) if paras else None
        if box is None:
            self.b.fail(
                pending.marker.line,
                1,
                "missing-min-chars",
                "a practice ends with its answer box, e.g. '0 chars (min 80)'",
            )
            return None
        box_line = paras[-1].line
        paras = paras[:-1]
        for para in paras:
            if ANSWER_BOX.match(para.text):
                self.b.fail(
                    para.line, 1, "unexpected-text", "a practice has one answer box, at its end"
                )
                return None
        data: dict[str, Any] = {
            "type": "practice",
            "min_chars": int(box.group("min")),
            "max_chars": int(box.group("max")) if box.group("max") else None,
        }
        self.b.at(loc + ("min_chars",), box_line)
        self.b.at(loc + ("max_chars",), box_line)
        texts = [p.text for p in paras]
        case = next((block for seen, block in reversed(self.judgments) if seen == texts), None)
        if case is not None:
            return {**data, "case": derived_id(case)}
        scenario, question = self.case_and_call(pending, paras, loc, "a practice")
        if question is None:
            return None
        return {**data, "scenario": scenario, "question": question}

    def build_decision(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        if pending.title is None:
            self.b.fail(
                pending.marker.line,
                1,
                "missing-title",
                "the decision's title goes on the line after its marker",
            )
            return None
        if not paras:
            self.empty(pending, "an interactive decision")
            return None
        self.b.at(loc + ("title",), pending.marker.line + 1)
        scenario: list[dict[str, Any]] = []
        for para in paras:
            text = self.plain(para.text, para.line, loc + ("scenario", len(scenario)))
            if text:
                scenario.append(text)
        return {"type": "decision", "title": pending.title, "scenario": scenario, "choices": []}
