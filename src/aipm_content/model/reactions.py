"""The reaction names a thread message may carry, and the emoji each one shows as.

One table for the parser (an unknown name is a warning), the renderer (the emoji) and the docs
(docs/authoring.md lists the same names; a test keeps them equal).
"""

from __future__ import annotations

REACTION_EMOJI: dict[str, str] = {
    "fire": "🔥",
    "+1": "👍",
    "thumbsup": "👍",
    "heart": "❤️",
    "clap": "👏",
    "tada": "🎉",
    "rocket": "🚀",
    "eyes": "👀",
    "100": "💯",
    "joy": "😂",
    "thinking": "🤔",
    "pray": "🙏",
    "muscle": "💪",
    "bulb": "💡",
    "white_check_mark": "✅",
    "raised_hands": "🙌",
    "sob": "😭",
}
