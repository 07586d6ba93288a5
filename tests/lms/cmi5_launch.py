"""Launching an AU as a cmi5 LMS does (cmi5 sections 8 and 10): the LMS.LaunchData state, the
"launched" statement, a one-time fetch URL, and the launch URL's five parameters.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from .lrs import LrsServer, document_key

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
HOME = "https://lms.example.test"
ACTOR = {"objectType": "Agent", "account": {"homePage": HOME, "name": "learner-1"}}


@dataclass
class Launch:
    """One AU session as the LMS set it up."""

    url: str
    publisher_id: str
    activity_id: str
    registration: str
    session_id: str
    launch_data: dict[str, Any]
    fetch_key: str
    actor: dict[str, Any] = field(default_factory=lambda: dict(ACTOR))

    @property
    def mode(self) -> str:
        return str(self.launch_data["launchMode"])

    @property
    def mastery(self) -> float | None:
        value = self.launch_data.get("masteryScore")
        return float(value) if value is not None else None


def lms_activity_id(publisher_id: str) -> str:
    """The LMS's own id for an AU: stable for the AU, never its publisher id (8.1.5)."""
    return f"{HOME}/aus/{uuid.uuid5(uuid.NAMESPACE_URL, publisher_id)}"


def launch(
    lrs: LrsServer,
    au_url: str,
    publisher_id: str,
    *,
    registration: str | None = None,
    mode: str = "Normal",
    move_on: str = "CompletedAndPassed",
    mastery: float | None = 0.8,
    return_url: bool = True,
    params: dict[str, str] | None = None,
) -> Launch:
    """Set up a session in ``lrs`` and return its launch; ``params`` overrides the query."""
    registration = registration or str(uuid.uuid4())
    session = str(uuid.uuid4())
    activity_id = lms_activity_id(publisher_id)
    template = {
        "contextActivities": {"grouping": [{"id": publisher_id, "objectType": "Activity"}]},
        "extensions": {SESSION_ID: session},
    }
    data: dict[str, Any] = {"contextTemplate": template, "launchMode": mode, "moveOn": move_on}
    if mastery is not None:
        data["masteryScore"] = mastery
    if return_url:
        data["returnURL"] = f"{lrs.origin}/return.html"
    key = document_key(
        "/xapi/activities/state",
        {
            "activityId": activity_id,
            "agent": json.dumps(ACTOR),
            "registration": registration,
            "stateId": "LMS.LaunchData",
        },
    )
    assert key is not None
    fetch_key = uuid.uuid4().hex
    token = base64.b64encode(f"au-{session}:{uuid.uuid4().hex}".encode()).decode()
    launched = {
        "id": str(uuid.uuid4()),
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "actor": ACTOR,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"},
        "object": {"id": activity_id, "objectType": "Activity"},
        "context": {**template, "registration": registration},
    }
    with lrs.lock:
        lrs.documents[key] = json.dumps(data).encode()
        lrs.tokens[fetch_key] = token
        lrs.valid_tokens.add(token)
        lrs.statements.append(launched)
    query = {
        "endpoint": f"{lrs.origin}/xapi/",
        "fetch": f"{lrs.origin}/fetch/{fetch_key}",
        "actor": json.dumps(ACTOR),
        "registration": registration,
        "activityId": activity_id,
    }
    query.update(params or {})
    query = {k: v for k, v in query.items() if v != "<absent>"}
    url = f"{au_url}?{urlencode(query)}"
    return Launch(url, publisher_id, activity_id, registration, session, data, fetch_key)
