"""Inline text as a small typed tree; plain text and safe HTML are derived from it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from markupsafe import Markup, escape
from pydantic import Field, computed_field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import Node
from .links import is_lesson_href, parse_lesson_href

# A scheme is present when the href starts like "name:"; only these are allowed.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers strip tabs/newlines and treat backslashes as slashes, so "java\tscript:" would run.
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


def check_href(href: str) -> str:
    """Allow http(s), mailto and relative references; refuse everything a reader could execute."""
    if not href or _UNSAFE_CHARS.search(href):
        raise PydanticCustomError(
            "unsafe-link", "link '{href}' has spaces or control characters", {"href": href}
        )
    if is_lesson_href(href):
        if parse_lesson_href(href) is None:
            raise PydanticCustomError(
                "bad-lesson-link",
                "link '{href}' must be lesson:LESSON-ID or lesson:LESSON-ID#SECTION-ID",
                {"href": href},
            )
        return href
    match = _SCHEME.match(href)
    if match and match.group(1).lower() not in SAFE_SCHEMES:
        raise PydanticCustomError(
            "unsafe-link",
            "link '{href}': only http(s), mailto and relative links are allowed",
            {"href": href},
        )
    if href.startswith("//"):
        raise PydanticCustomError(
            "unsafe-link", "link '{href}': protocol-relative links are not allowed", {"href": href}
        )
    return href


_ASSET = re.compile(r"^[\w][\w.-]*(/[\w][\w.-]*)*$")
ASSET_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif"})


def check_asset_path(src: str) -> str:
    """A plain relative path below the lesson's folder: no scheme, no "..", no absolute path."""
    parts = src.split("/")
    if not _ASSET.match(src) or ".." in parts or any(p.startswith(".") for p in parts):
        raise PydanticCustomError(
            "unsafe-asset",
            "image '{src}' must be a relative path inside the lesson's folder",
            {"src": src},
        )
    if not any(src.lower().endswith(s) for s in ASSET_SUFFIXES):
        raise PydanticCustomError(
            "unsafe-asset", "image '{src}' must be a .png, .jpg or .gif file", {"src": src}
        )
    return src


def merge_text(inlines: Any) -> Any:
    """Join adjacent text runs and drop empty ones, so equal text has exactly one tree."""
    if not isinstance(inlines, list):
        return inlines
    merged: list[Any] = []
    for node in inlines:
        text = _text_of(node)
        if text is None:
            merged.append(node)
        elif text and merged and (before := _text_of(merged[-1])) is not None:
            merged[-1] = {"type": "text", "text": before + text}
        elif text:
            merged.append(node)
    return merged


def _text_of(node: Any) -> str | None:
    if isinstance(node, Text):
        return node.text
    if isinstance(node, dict) and node.get("type") == "text":
        return str(node.get("text", ""))
    return None


class Text(Node):
    """A run of plain characters."""

    type: Literal["text"] = "text"
    text: str = Field(min_length=1)
    """The characters, exactly as the reader sees them."""


class Code(Node):
    """Inline code, set in a monospace face."""

    type: Literal["code"] = "code"
    text: str = Field(min_length=1)
    """The code, verbatim."""


class LineBreak(Node):
    """A hard line break inside a paragraph."""

    type: Literal["line_break"] = "line_break"


class Image(Node):
    """An image from the lesson's own folder, with its alternative text."""

    type: Literal["image"] = "image"
    src: str
    """Path relative to the lesson file, inside the lesson's folder (png, jpeg or gif)."""
    alt: str = Field(min_length=1, max_length=500)
    """Alternative text for readers who cannot see the image."""

    @field_validator("src")
    @classmethod
    def _local(cls, src: str) -> str:
        return check_asset_path(src)


class Emphasis(Node):
    """Emphasised (italic) text."""

    type: Literal["emphasis"] = "emphasis"
    children: list[Inline] = Field(min_length=1)
    """The emphasised inline content."""

    _merge = field_validator("children", mode="before")(merge_text)


class Strong(Node):
    """Strongly emphasised (bold) text."""

    type: Literal["strong"] = "strong"
    children: list[Inline] = Field(min_length=1)
    """The strong inline content."""

    _merge = field_validator("children", mode="before")(merge_text)


class Link(Node):
    """A hyperlink: http(s), mailto or a relative reference."""

    type: Literal["link"] = "link"
    href: str
    """Target of the link; other schemes (javascript:, data:, file: ...) are refused."""
    children: list[Inline] = Field(min_length=1)
    """The link text."""

    _merge = field_validator("children", mode="before")(merge_text)

    @field_validator("href")
    @classmethod
    def _safe_href(cls, href: str) -> str:
        return check_href(href)


Inline = Annotated[
    Text | Code | LineBreak | Image | Emphasis | Strong | Link, Field(discriminator="type")
]


def plain_text(inlines: list[Inline]) -> str:
    """The characters of an inline tree, formatting dropped; a line break becomes a space."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif isinstance(node, Image):
            parts.append(node.alt)
        else:
            parts.append(plain_text(node.children))
    return "".join(parts)


LinkResolver = Callable[[str], str | None]
"""Maps a ``lesson:`` href to the channel's own href, or None to show the link text only."""
ImageSrc = Callable[[str], str]
"""Maps an image path (relative to its lesson) to where the channel's page finds it."""


def inline_html(
    inlines: list[Inline], resolve: LinkResolver | None = None, image_src: ImageSrc | None = None
) -> Markup:
    """Safe HTML for an inline tree: every character escaped, only our own tags emitted.

    With ``resolve``, ``lesson:`` links become the channel's internal links (or plain text);
    without it they are kept as written, as id references. ``image_src`` moves image paths
    (a course page holding several lessons' images).
    """
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(escape(node.text))
        elif isinstance(node, Code):
            out.append(Markup("<code>{}</code>").format(node.text))
        elif isinstance(node, LineBreak):
            out.append(Markup("<br/>"))
        elif isinstance(node, Image):
            src = image_src(node.src) if image_src is not None else node.src
            out.append(Markup('<img src="{}" alt="{}"/>').format(src, node.alt))
        elif isinstance(node, Emphasis):
            out.append(Markup("<em>{}</em>").format(inline_html(node.children, resolve, image_src)))
        elif isinstance(node, Strong):
            out.append(
                Markup("<strong>{}</strong>").format(inline_html(node.children, resolve, image_src))
            )
        else:
            href: str | None = node.href
            if resolve is not None and is_lesson_href(node.href):
                href = resolve(node.href)
            children = inline_html(node.children, resolve, image_src)
            if href is None:
                out.append(Markup('<span class="lesson-link">{}</span>').format(children))
            else:
                out.append(Markup('<a href="{}">{}</a>').format(href, children))
    return Markup("").join(out)


class RichText(Node):
    """A paragraph-sized piece of formatted text, with its plain and HTML forms."""

    inlines: list[Inline] = Field(min_length=1)
    """The formatted content as a tree of inline nodes."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        # Library users may write RichText from a plain string: RichText.model_validate("Hi").
        if isinstance(data, str):
            return {"inlines": [{"type": "text", "text": data}]}
        if isinstance(data, dict) and isinstance(data.get("inlines"), list):
            return {**data, "inlines": merge_text(data["inlines"])}
        return data

    @classmethod
    def plain(cls, text: str) -> RichText:
        """Rich text holding one unformatted run."""
        return cls(inlines=[Text(text=text)])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """Plain-text form, for search, word counts and LMS fields that take no markup."""
        return plain_text(self.inlines)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def html(self) -> str:
        """Safe HTML form: escaped text with em, strong, code, a and br only."""
        return str(inline_html(self.inlines))
