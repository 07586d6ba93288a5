"""The markdown-it-py parser every lesson goes through, configured for untrusted text."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core.replacements import replace
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from .directives import directive_plugin
from .syntax import OPTIONS

MAX_NESTING = 20
"""Block/inline nesting markdown-it will follow. Past it markdown-it silently drops the rest of
the block, so reaching it is reported as an error (see build.check_nesting)."""


Quotes = tuple[str, str, str, str]
"""Opening and closing double quote, opening and closing single quote."""
ENGLISH_QUOTES: Quotes = ("“", "”", "‘", "’")
QUOTES: dict[str, Quotes] = {
    "de": ("„", "“", "‚", "‘"),
    "cs": ("„", "“", "‚", "‘"),
    "fr": ("«\u00a0", "\u00a0»", "‹\u00a0", "\u00a0›"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "ru": ("«", "»", "„", "“"),
    "pl": ("„", "”", "«", "»"),
    "sv": ("”", "”", "’", "’"),
    "fi": ("”", "”", "’", "’"),
    "ja": ("「", "」", "『", "』"),
}
"""Quotation marks by primary language subtag; every other language (Hindi and Indian English
included) takes the English ones."""


def quotes_for(language: str) -> Quotes:
    """The quotation marks the typographer uses for a BCP 47 language tag."""
    return QUOTES.get(language.split("-", 1)[0].lower(), ENGLISH_QUOTES)


@cache
def markdown_parser(quotes: Quotes = ENGLISH_QUOTES) -> MarkdownIt:
    """CommonMark with raw HTML off (it would pass ``<script>`` through), no linkify, no math.

    The typographer curls straight quotes (in ``quotes``) and sets ``--``, ``...`` and ``(c)``
    as dashes, an ellipsis and symbols, in text only: code spans, link targets, autolinks and
    backslash-escaped characters (``\\"``) are left as typed.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.options["quotes"] = quotes
    md.enable(["replacements", "smartquotes"])
    md.options["maxNesting"] = MAX_NESTING
    md.disable(["html_block", "html_inline"])
    # markdown-it turns a javascript:/data:/file: link into plain text without a word; accept
    # every link here so the model's check_href reports it to the author instead.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.use(front_matter_plugin)
    md.use(directive_plugin, frozenset(OPTIONS))
    return md


def typographic(text: str, quotes: Quotes = ENGLISH_QUOTES) -> str:
    """Plain text (nothing in it read as Markdown) with the typographer's quotes and dashes,
    by the very rules the Markdown parser runs, so the reading-app form reads the same."""
    md = markdown_parser(quotes)
    run = Token("text", "", 0, content=text)
    state = StateCore("", md, {})
    state.tokens = [Token("inline", "", 0, content=text, children=[run])]
    replace(state)
    smartquotes(state)
    return run.content
