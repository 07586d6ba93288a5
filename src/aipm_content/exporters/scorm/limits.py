"""What each SCORM version lets a SCO send, in one place: the player obeys it, the tests check it.

The numbers come from the SCORM 1.2 RTE (CMIString255, CMIString4096, CMITimespan, CMIIdentifier)
and the SCORM 2004 4th Edition RTE (SPMs of characterstring and localized_string_type,
timeinterval, time(second,10,0)). scorm-again, the runtime the tests use, accepts more than the
spec in several places, so the player enforces these itself.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Version = Literal["1.2", "2004"]

LIMITS: dict[str, dict[str, Any]] = {
    "1.2": {
        "suspend_data": 4096,
        "location": 255,
        "response": 255,
        "description": None,  # 1.2 interactions have no description
        "choice_letters": 26,
    },
    "2004": {
        "suspend_data": 64000,
        "location": 1000,
        "response": 4000,
        "description": 250,
        "choice_letters": None,
    },
}

# Patterns the tests apply to every value the player sends (and docs/scorm.md quotes).
INTERACTION_ID_12 = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
CHOICE_RESPONSE_12 = re.compile(r"^[a-z]$")
RESULT_12 = frozenset({"correct", "wrong", "unanticipated", "neutral"})
SESSION_TIME_12 = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
STATUS_12 = frozenset({"passed", "completed", "failed", "incomplete", "browsed", "not attempted"})
EXIT_12 = frozenset({"time-out", "suspend", "logout", ""})

RESULT_2004 = frozenset({"correct", "incorrect", "unanticipated", "neutral"})
DURATION_2004 = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$"
)
TIMESTAMP_2004 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,2}(Z|[+-]\d{2}:\d{2})?$")
COMPLETION_2004 = frozenset({"completed", "incomplete", "not attempted", "unknown"})
SUCCESS_2004 = frozenset({"passed", "failed", "unknown"})
EXIT_2004 = frozenset({"time-out", "suspend", "logout", "normal", ""})


def player_limits(version: Version) -> dict[str, Any]:
    """The limits the player script receives for ``version``."""
    return dict(LIMITS[version])
