"""The theme check: a project's CSS override may style, never fetch.

A theme (``exporters/<format>.css`` or ``--theme FILE``) is appended to a channel's default
stylesheet and then read by WeasyPrint, e-readers and the LMS's browser. A regex cannot tell
what those read: CSS escapes spell ``url(`` as ``\\75rl(``, and ``image-set()`` or a font's
``src`` fetch too. So the theme is tokenized by tinycss2 (CSS Syntax Level 3, the parser
WeasyPrint itself uses, which unescapes names as browsers do) and walked whole: rules,
at-rules, declarations and every token inside them.

Refused: any URL token; the functions that load something (``url()``, ``src()``,
``image()``, ``image-set()``, ``cross-fade()``, ``element()``, vendor-prefixed too);
``@import``; ``@font-face`` unless every ``src`` is ``local()`` (an installed font, nothing
fetched); at-rules outside a short list of styling ones (``@namespace``, ``@document``...);
the legacy script hooks (``expression()``, ``behavior``, ``-moz-binding``); and syntax errors
(a bad string or URL), where browsers and tinycss2 might recover differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import tinycss2

FETCHING_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "cross-fade", "element"})
"""CSS functions whose argument is a resource to load (``-webkit-image-set`` and the like too)."""
SCRIPT_FUNCTIONS = frozenset({"expression"})
SCRIPT_PROPERTIES = frozenset({"behavior", "-moz-binding"})
ALLOWED_AT_RULES = frozenset(
    {
        "media",
        "supports",
        "page",
        "layer",
        "container",
        "keyframes",
        "counter-style",
        "font-feature-values",
        "property",
        "charset",  # meaningless after the default sheet, and common at the top of a file
        "font-face",  # checked below: local() sources only
        # @page margin boxes (the PDF's running headers and page numbers)
        *(
            f"{edge}-{part}"
            for edge in ("top", "bottom")
            for part in ("left-corner", "left", "center", "right", "right-corner")
        ),
        *(f"{edge}-{part}" for edge in ("left", "right") for part in ("top", "middle", "bottom")),
    }
)
_VENDOR = re.compile(r"^-[a-z]+-")


@dataclass(frozen=True)
class ThemeProblem:
    """One refusal, at the 1-based line and column of the token or rule it concerns."""

    line: int
    col: int
    code: str
    message: str


def theme_problems(css: str) -> list[ThemeProblem]:
    """Every reason ``css`` may not be a theme, in source order (empty: it is allowed)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return sorted(set(_rules(rules)), key=lambda p: (p.line, p.col, p.code, p.message))


def refusal(node: Any, code: str, message: str) -> ThemeProblem:
    return ThemeProblem(node.source_line, node.source_column, code, message)


def _rules(nodes: Iterable[Any]) -> Iterator[ThemeProblem]:
    for node in nodes:
        if node.type == "error":
            yield refusal(node, "theme-syntax", f"a theme must be valid CSS ({node.message})")
        elif node.type == "at-rule":
            yield from _at_rule(node)
        elif node.type == "qualified-rule":
            yield from _tokens(node.prelude)
            yield from _block(node.content)
        elif node.type == "declaration":
            yield from _declaration(node)


def _block(content: list[Any] | None) -> Iterator[ThemeProblem]:
    """The inside of ``{...}``: declarations, and rules nested in it (CSS nesting)."""
    if content is None:
        return
    yield from _rules(
        tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    )


def _at_rule(rule: Any) -> Iterator[ThemeProblem]:
    name = rule.lower_at_keyword
    if name == "import":
        yield refusal(
            rule,
            "theme-fetch",
            "@import is not allowed in a theme (write the other sheet's rules here)",
        )
        return
    if name not in ALLOWED_AT_RULES:
        message = f"@{name} is not allowed in a theme (style rules only)"
        yield refusal(rule, "theme-at-rule", message)
        return
    yield from _tokens(rule.prelude)
    if name != "font-face":
        yield from _block(rule.content)
        return
    for item in tinycss2.parse_blocks_contents(
        rule.content or [], skip_comments=True, skip_whitespace=True
    ):
        if item.type == "declaration" and item.lower_name == "src":
            yield from _font_sources(item)
        else:
            yield from _rules([item])


def _font_sources(declaration: Any) -> Iterator[ThemeProblem]:
    """A font's ``src`` may only name installed fonts: ``local("Name")``, comma-separated."""
    for token in declaration.value:
        if token.type in ("whitespace", "comment") or (
            token.type == "literal" and token.value == ","
        ):
            continue
        if token.type == "function" and token.lower_name == "local":
            yield from _tokens(token.arguments)
            continue
        yield refusal(
            token,
            "theme-fetch",
            'a theme\'s @font-face may only use installed fonts: src: local("Font Name")',
        )


def _declaration(declaration: Any) -> Iterator[ThemeProblem]:
    if declaration.lower_name in SCRIPT_PROPERTIES:
        message = f"{declaration.lower_name} is a legacy script hook, not allowed in a theme"
        yield refusal(declaration, "theme-script", message)
    yield from _tokens(declaration.value)


def _tokens(tokens: Iterable[Any]) -> Iterator[ThemeProblem]:
    """Every token, blocks and function arguments included, at any depth."""
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
            continue
        kind = token.type
        if kind == "error":
            yield refusal(token, "theme-syntax", f"a theme must be valid CSS ({token.message})")
        elif kind == "url":
            message = "url(...) is not allowed in a theme (nothing fetched)"
            yield refusal(token, "theme-fetch", message)
        elif kind == "function":
            name = _VENDOR.sub("", token.lower_name)
            if name in FETCHING_FUNCTIONS:
                message = f"{token.lower_name}(...) loads a resource; not allowed in a theme"
                yield refusal(token, "theme-fetch", message)
            elif name == "attr" and any(_is_url_type(t) for t in token.arguments):
                message = "attr(... url) loads an attribute as a resource; not allowed"
                yield refusal(token, "theme-fetch", message)
            elif name in SCRIPT_FUNCTIONS:
                message = f"{token.lower_name}(...) is a legacy script hook, not in a theme"
                yield refusal(token, "theme-script", message)
            stack.append(iter(token.arguments))
        elif kind in ("() block", "[] block", "{} block"):
            stack.append(iter(token.content))
        elif kind == "at-keyword" and token.lower_value == "import":
            message = "@import is not allowed in a theme (nothing fetched)"
            yield refusal(token, "theme-fetch", message)


def _is_url_type(token: Any) -> bool:
    """``url`` as the type of ``attr(href url)`` (or inside ``type(<url>)``)."""
    if token.type == "ident":
        return bool(token.lower_value == "url")
    return token.type == "function" and any(_is_url_type(t) for t in token.arguments)
