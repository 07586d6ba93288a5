"""Ids for the blocks the builder made: pinned ones first, then derived from type and words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.ids import make_id, slugify, with_suffix
from .syntax import ACTIVITY_KINDS

if TYPE_CHECKING:
    from .builder import Builder


def section_id(title: str) -> str:
    """The id a ``## Title`` heading derives: the slug of its title."""
    slug = slugify(title)
    return slug if slug[:1].isalpha() else make_id("section", title)


def choice_id(text: str) -> str:
    slug = slugify(text, max_words=5, max_length=40)
    return slug if slug[:1].isalpha() else make_id("choice", text, max_words=5)


def derived_id(block: dict[str, Any]) -> str:
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
            section["id"] = section_id(section["title"])
        for block in [section, *section["blocks"]]:
            if block.get("id") and block is not section:
                continue
            if (
                block is section
                and block["id"] in taken
                and taken[block["id"]] == block.get("_line", 1)
            ):
                continue
            base = block["id"] if block is section else derived_id(block)
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
