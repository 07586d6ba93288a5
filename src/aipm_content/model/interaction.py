"""The xAPI/SCORM view of an activity, derived from its block (never authored)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Node, empty_list


class Scoring(Node):
    """Raw score range of an activity and the score that passes it."""

    min: int
    """Lowest raw score."""
    max: int
    """Highest raw score."""
    passing: int
    """Raw score at or above which the activity is passed."""


class InteractionChoice(Node):
    """One option of a choice interaction, as xAPI's ``choices`` lists it."""

    id: str
    """The response id sent to the LMS."""
    description: str
    """Plain-text label of the option."""


class Interaction(Node):
    """How an LMS records the activity, in the xAPI/SCORM 2004 interaction vocabulary."""

    interactionType: Literal["long-fill-in", "choice"]
    """``long-fill-in`` for free text, ``choice`` for a decision with choices."""
    description: str | None = None
    """Plain-text prompt of the interaction."""
    choices: list[InteractionChoice] = Field(default_factory=empty_list)
    """The options of a choice interaction."""
    correctResponsesPattern: list[str] = Field(default_factory=empty_list)
    """Ids of the best choices; empty when no response is more correct than another."""
    scoring: Scoring | None = None
    """Score range; absent for ungraded activities."""
    min_chars: int | None = None
    """Characters a free-text answer needs."""
    max_chars: int | None = None
    """Characters a free-text answer may have."""
