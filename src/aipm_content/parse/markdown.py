"""The markdown-it-py parser every lesson goes through, configured for untrusted text."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .directives import directive_plugin
from .syntax import OPTIONS

MAX_NESTING = 20
"""Block/inline nesting markdown-it will follow. Past it markdown-it silently drops the rest of
the block, so reaching it is reported as an error (see build.check_nesting)."""


@cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with raw HTML off (it would pass ``<script>`` through), no linkify, no math."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.options["maxNesting"] = MAX_NESTING
    md.disable(["html_block", "html_inline"])
    # markdown-it turns a javascript:/data:/file: link into plain text without a word; accept
    # every link here so the model's check_href reports it to the author instead.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.use(front_matter_plugin)
    md.use(directive_plugin, frozenset(OPTIONS))
    return md
