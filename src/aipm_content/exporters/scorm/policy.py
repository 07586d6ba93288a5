"""The player page's content security policy, assembled in one place.

The player loads only its own files: scripts, its stylesheet and the lesson's images, all from
the package (``'self'``); no fonts, media, frames, plugins, workers or form targets, and no
connection at all (SCORM talks to the LMS through a JavaScript object in a parent frame, not
over the network). A channel that must reach a server (cmi5's LRS) widens ``connect-src`` only,
through ``player_policy(connect_src=...)``.

Inside an LMS, ``'self'`` is the LMS's whole origin, so a same-origin image URL such as
``/admin/delete-course?id=42`` would still be allowed. ``scope.js`` (the first script of the
page, before the stylesheet) therefore adds a second policy once the page knows its own
address: images, stylesheets and scripts only from the package's folder. Browsers enforce
both policies. (The preview sends its own policy as a header and leaves both out.)
"""

from __future__ import annotations

SCOPE_SCRIPT = "scope.js"
"""The script that narrows the sources to the package's folder (in ``assets/``)."""

_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self'"),
    ("font-src", "'none'"),
    ("media-src", "'none'"),
    ("object-src", "'none'"),
    ("frame-src", "'none'"),
    ("worker-src", "'none'"),
    ("manifest-src", "'none'"),
    ("connect-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
)


def player_policy(connect_src: str = "'none'") -> str:
    """The ``Content-Security-Policy`` of a player page; ``connect_src`` for a channel that
    reports over the network (a space-separated source list, e.g. the LRS's origin)."""
    values = dict(_DIRECTIVES, **{"connect-src": connect_src})
    return "; ".join(f"{name} {value}" for name, value in values.items())
