"""Jinja2 rendering of the model to (X)HTML, shared by every HTML-based channel.

Block templates live in ``templates/common/blocks/<type>.html.j2``; a channel overrides a kind
by shipping ``templates/<channel>/blocks/<type>.html.j2`` (the print answer key, the EPUB
``<details>`` feedback, the SCORM player's form controls). Output is well-formed XHTML so the
same fragments serve EPUB.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ..model.inline import ImageSrc, LinkResolver, RichText, inline_html
from ..model.lesson import Lesson
from ..model.links import SCHEME, is_lesson_href
from ..model.reactions import REACTION_EMOJI
from .labels import LABELS, typeset
from .template_cache import template_cache

TEMPLATES = Path(__file__).parent / "templates"


def reaction_symbol(name: str) -> str:
    """The emoji for a reaction name; an unknown name (a warning when parsed) shows as the word
    itself, never as ``:name:`` shortcode syntax."""
    return REACTION_EMOJI.get(name, name)


def no_links(href: str) -> str | None:
    """A lesson rendered on its own: a ``lesson:`` link shows its text only."""
    return None


def _resolver(context: Context) -> LinkResolver:
    """The channel's ``links`` resolver from the template context (set for a course)."""
    resolver = context.get("links")
    return resolver if callable(resolver) else no_links


def _image_src(context: Context) -> ImageSrc | None:
    """The context's ``image_src`` (set where images do not sit beside the page)."""
    moved = context.get("image_src")
    return moved if callable(moved) else None


@pass_context
def rich(context: Context, value: RichText | None) -> Markup:
    """A RichText's safe HTML (escaped by the model), ``lesson:`` links made the channel's."""
    if value is None:
        return Markup("")
    image_src = _image_src(context)
    html = value.html  # computed at each access: made once here
    if SCHEME not in html and (image_src is None or "<img " not in html):
        return Markup(html)
    return inline_html(value.inlines, _resolver(context), image_src)


@pass_context
def target(context: Context, href: str) -> str | None:
    """Where a next-steps link points in this channel; None shows its title only."""
    return _resolver(context)(href) if is_lesson_href(href) else href


@pass_context
def anchor(context: Context, node_id: str) -> str:
    """An HTML id (or ``#`` fragment) for ``node_id``: the context's ``id_prefix`` before it,
    so the lessons of one course document keep unique ids."""
    prefix = context.get("id_prefix")
    return f"{prefix}{node_id}" if isinstance(prefix, str) else node_id


def letter(index: int) -> str:
    """0 -> "A", 1 -> "B" ... for lettered choices."""
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def themed(default_css: str, theme_css: str | None) -> str:
    """A channel's default stylesheet with the project's theme override after it (so it wins),
    the shared font stacks written in (labels.typeset)."""
    if not theme_css:
        return typeset(default_css)
    return typeset(f"{default_css}\n/* theme override (exporters/<format>.css) */\n{theme_css}\n")


def minutes(value: int) -> str:
    """``8 min``, ``1 h 20 min``."""
    hours, mins = divmod(value, 60)
    return f"{hours} h {mins} min" if hours and mins else f"{hours} h" if hours else f"{mins} min"


@cache
def environment(channel: str) -> Environment:
    """Autoescaping environment whose loader prefers the channel's own templates.

    Templates ship with the package, so each is compiled once per process and never looked
    for on disk again (``auto_reload`` would stat the file at every include of every block);
    the compiled code is kept for the next process (template_cache).
    """
    env = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(TEMPLATES / channel), FileSystemLoader(TEMPLATES / "common")]
        ),
        auto_reload=False,
        bytecode_cache=template_cache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        rich=rich,
        target=target,
        anchor=anchor,
        letter=letter,
        minutes=minutes,
        reaction=reaction_symbol,
    )
    env.globals["labels"] = LABELS
    return env


def render(channel: str, template: str, **context: Any) -> str:
    """Render ``template`` for ``channel``."""
    return environment(channel).get_template(template).render(**context)


def render_section(channel: str, lesson: Lesson, index: int, **context: Any) -> str:
    """One section's HTML (heading and blocks) for ``channel``."""
    return render(
        channel, "section.html.j2", lesson=lesson, section=lesson.sections[index], **context
    )
