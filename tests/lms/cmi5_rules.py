"""The cmi5 rules an AU's statements must keep, each named by its requirement id.

The ids are those of the cmi5 requirements list that ADL's CATAPULT rejects statements with
(its requirements/requirements.json, e.g. 9.3.0.0-2 "Verbs MUST NOT be duplicated").
``violations``
returns every broken rule as ``"<id>: <what>"``, so a test asserts it is empty and a failure
says which requirement broke.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .cmi5_launch import CMI5_CATEGORY, SESSION_ID, Launch
from .lrs import LrsServer

ADL = "http://adlnet.gov/expapi/verbs/"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
DEFINED = {ADL + v for v in ("initialized", "completed", "passed", "failed", "terminated")}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:?00)$")


def verb(statement: dict[str, Any]) -> str:
    return str(statement["verb"]["id"]).removeprefix(ADL)


def categories(statement: dict[str, Any]) -> set[str]:
    acts = statement.get("context", {}).get("contextActivities", {})
    return {a.get("id") for a in acts.get("category", [])}


def session_statements(lrs: LrsServer, launch: Launch) -> list[dict[str, Any]]:
    """The AU's statements of one session, in the order the LRS received them."""
    return [
        s
        for s in lrs.statements
        if verb(s) != "launched"
        and s.get("context", {}).get("extensions", {}).get(SESSION_ID) == launch.session_id
    ]


def launch_order(lrs: LrsServer, launch: Launch) -> list[str]:
    """Broken rules of the launch sequence, read from the LRS's request log."""
    bad = []
    fetch = f"/fetch/{launch.fetch_key}"
    with lrs.lock:
        log = list(lrs.log)
        fetched = lrs.fetched.get(launch.fetch_key, 0)
    if fetched != 1:
        bad.append(f"8.2.2.0-4: the fetch URL was POSTed {fetched} times (once, and only once)")
    if any(m != "POST" for m, p, _ in log if p == fetch):
        bad.append("8.2.1.0-2: the fetch URL was requested with a method other than POST")
    start = next((i for i, (m, p, _) in enumerate(log) if p == fetch), len(log))
    mine = log[start:]  # the tests launch one session at a time
    first = next(
        (i for i, (m, p, _) in enumerate(mine) if p == "/xapi/statements" and m == "POST"), None
    )
    if first is None:
        return bad
    before = mine[:first]
    if not any(
        p == "/xapi/agents/profile" and q.get("profileId") == "cmi5LearnerPreferences"
        for _, p, q in before
    ):
        bad.append("11.0.0.0-3: a statement before the cmi5LearnerPreferences profile was read")
    if not any(q.get("stateId") == "LMS.LaunchData" and m == "GET" for m, _, q in before):
        bad.append("10.2.1.0-4: a statement before the LMS.LaunchData contextTemplate was read")
    if any(q.get("stateId") == "LMS.LaunchData" and m != "GET" for m, _, q in mine):
        bad.append("10.2.1.0-5: the AU wrote the LMS.LaunchData document")
    return bad


def _template_kept(s: dict[str, Any], launch: Launch) -> bool:
    template = launch.launch_data["contextTemplate"]
    context = s.get("context", {})
    for key, value in template.get("extensions", {}).items():
        if context.get("extensions", {}).get(key) != value:
            return False
    for kind, acts in template.get("contextActivities", {}).items():
        ids = [a.get("id") for a in context.get("contextActivities", {}).get(kind, [])]
        if any(a["id"] not in ids for a in acts):
            return False
    return True


def each_statement(s: dict[str, Any], launch: Launch) -> list[str]:
    """Rules every statement of the session keeps."""
    bad = []
    name = verb(s)
    if not UUID.match(str(s.get("id", ""))):
        bad.append(f"9.1.0.0-1: {name} has no UUID id")
    if not UTC.match(str(s.get("timestamp", ""))):
        bad.append(f"9.7.0.0-2: {name} has no UTC timestamp")
    if s.get("context", {}).get("extensions", {}).get(SESSION_ID) != launch.session_id:
        bad.append(f"9.6.3.1-4: {name} does not carry the session id")
    if s.get("context", {}).get("registration") != launch.registration:
        bad.append(f"9.6.1.0-1: {name} does not carry the launch's registration")
    if not _template_kept(s, launch):
        bad.append(f"10.2.1.0-6: {name}'s context does not hold the contextTemplate")
    if s.get("actor") != launch.actor:
        bad.append(f"8.1.3.0-3: {name}'s actor is not the launch's actor")
    if MOVEON in categories(s) and name not in ("completed", "passed", "failed"):
        bad.append(f"9.6.2.2-2: {name} carries the moveOn category")
    return bad


def defined_statement(s: dict[str, Any], launch: Launch) -> list[str]:
    """Rules of a cmi5 defined statement (one with the cmi5 category)."""
    bad = []
    name = verb(s)
    result = s.get("result", {})
    if s["verb"]["id"] not in DEFINED:
        bad.append(f"9.6.2.1-1: {name} is not a cmi5 verb but carries the cmi5 category")
    if s.get("object", {}).get("id") != launch.activity_id:
        bad.append(f"8.1.5.0-6: {name}'s object is not the launch's activityId")
    if launch.mode != "Normal" and name in ("completed", "passed", "failed"):
        req = "10.2.2.0-2" if launch.mode == "Browse" else "10.2.2.0-3"
        bad.append(f"{req}: {name} sent in {launch.mode} mode")
    if ("completion" in result) != (name == "completed") or (
        name == "completed" and result.get("completion") is not True
    ):
        req = "9.5.3.0-1" if name == "completed" else "9.5.3.0-2"
        bad.append(f"{req}: {name} has result.completion {result.get('completion')!r}")
    if ("success" in result) != (name in ("passed", "failed")) or (
        name in ("passed", "failed") and result.get("success") is not (name == "passed")
    ):
        req = {"passed": "9.5.2.0-1", "failed": "9.5.2.0-2"}.get(name, "9.5.2.0-3")
        bad.append(f"{req}: {name} has result.success {result.get('success')!r}")
    if ("completion" in result or "success" in result) and MOVEON not in categories(s):
        bad.append(f"9.6.2.2-1: {name} lacks the moveOn category")
    if name in ("terminated", "completed", "passed", "failed"):
        req = {"terminated": "1", "completed": "2", "passed": "3", "failed": "4"}[name]
        if not DURATION.match(str(result.get("duration", ""))):
            bad.append(f"9.5.4.1-{req}: {name} has no ISO 8601 duration")
    score = result.get("score")
    if score is not None:
        if name not in ("passed", "failed"):
            bad.append(f"9.5.1.0-2: {name} carries a score")
        if "raw" in score and ("min" not in score or "max" not in score):
            bad.append(f"9.5.1.0-3: {name}'s raw score lacks min or max")
        mastery = launch.mastery
        scaled = score.get("scaled")
        if mastery is not None and name == "passed" and not scaled >= mastery:
            bad.append(f"9.3.4.0-2: passed with scaled score {scaled} below {mastery}")
        if mastery is not None and name == "failed" and not scaled < mastery:
            bad.append(f"9.3.5.0-2: failed with scaled score {scaled} at or above {mastery}")
        if mastery is not None and s["context"].get("extensions", {}).get(MASTERY) != mastery:
            bad.append(f"9.6.3.2-2: {name} does not carry the LMS's masteryScore")
    return bad


def violations(lrs: LrsServer, launch: Launch, earlier: Sequence[Launch] = ()) -> list[str]:
    """Every cmi5 rule the session of ``launch`` breaks; ``earlier`` are the registration's
    previous sessions (for the once-per-registration rules)."""
    statements = session_statements(lrs, launch)
    bad = launch_order(lrs, launch)
    if not statements:
        return [*bad, "9.3.0.0-4: the session sent no statement (initialized first)"]
    names = [verb(s) for s in statements]
    if names[0] != "initialized":
        bad.append(f"9.3.0.0-4: the first statement is {names[0]}, not initialized")
    if names[-1] != "terminated":
        bad.append(f"9.3.0.0-5: the last statement is {names[-1]}, not terminated")
    defined = [s for s in statements if CMI5_CATEGORY in categories(s)]
    counts = Counter(verb(s) for s in defined)
    bad += [f"9.3.0.0-2: {v} sent {n} times in one session" for v, n in counts.items() if n > 1]
    if counts["passed"] and counts["failed"]:
        bad.append("9.3.0.0-3: both passed and failed in one session")
    before = [
        s for e in earlier for s in session_statements(lrs, e) if CMI5_CATEGORY in categories(s)
    ]
    for once, req in (("completed", "9.3.0.0-6"), ("passed", "9.3.0.0-7")):
        if counts[once] and any(verb(s) == once for s in before):
            bad.append(f"{req}: a second {once} in the registration")
    if counts["failed"] and any(verb(s) == "passed" for s in before):
        bad.append("9.3.0.0-8: failed after passed in the registration")
    first_end = names.index("terminated") if "terminated" in names else len(names)
    if any(CMI5_CATEGORY not in categories(s) for s in statements[first_end:]):
        bad.append("7.1.3.0-1: a cmi5 allowed statement after terminated")
    for s in statements:
        bad += each_statement(s, launch)
        if CMI5_CATEGORY in categories(s):
            bad += defined_statement(s, launch)
    return bad
