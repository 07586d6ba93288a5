"""Attribute docstrings: the string written right under a field, as its documentation.

pydantic can read them into ``Field.description`` at class creation
(``use_attribute_docstrings``), but that parses each class's source at every start; the model
and the exporters' options leave it off, and the two places that show them read them here:
the published schema (schema.py) and the exporter flags' ``--help`` (cli.py).
"""

from __future__ import annotations

import ast
import inspect
from functools import cache
from itertools import pairwise

from pydantic import BaseModel


@cache
def field_docs(cls: type[BaseModel]) -> dict[str, str]:
    """Field name -> the docstring under it, in the class that last annotated the field
    (pydantic's ``use_attribute_docstrings`` rule)."""
    docs: dict[str, str] = {}
    for name in cls.model_fields:
        owner = next((k for k in cls.__mro__ if name in inspect.get_annotations(k)), None)
        if owner is not None and (doc := _own_docs(owner).get(name)):
            docs[name] = doc
    return docs


@cache
def _own_docs(cls: type) -> dict[str, str]:
    """Docstrings written right after an annotated attribute in ``cls``'s own body."""
    tree = ast.parse(inspect.cleandoc("\n" + inspect.getsource(cls)))
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    found: dict[str, str] = {}
    for before, after in pairwise(body):
        if (
            isinstance(before, ast.AnnAssign)
            and isinstance(before.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[before.target.id] = inspect.cleandoc(after.value.value)
    return found
