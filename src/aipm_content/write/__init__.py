"""Model -> source formats: the authoring Markdown writer and the ``convert`` command's core."""

from .convert import convert
from .markdown import to_markdown

__all__ = ["convert", "to_markdown"]
