"""Every fixed word a learner reads in the PDF, the EPUB and the player, and the one type pairing.

Templates get ``labels`` as a global (``{{ labels.practice_heading }}``) and never spell a label
themselves, so the three outputs name things alike; a test checks that no template holds one of
these strings literally. Themes name fonts as ``var(--font-text)``, ``var(--font-ui)`` and
``var(--font-code)``; ``typeset`` writes the stacks below in their place, so every channel (EPUB
reading systems included, many of which ignore CSS variables) sets the same faces.
"""

from __future__ import annotations

from types import MappingProxyType

LABELS = MappingProxyType(
    {
        # navigation and page furniture
        "introduction": "Introduction",
        "contents": "Contents",
        "sections": "Sections",
        "answer_key": "Answer key",
        "course_lesson": "Course lesson",
        "course_workbook": "Course workbook",
        "module": "Module",
        "modules": "Modules",
        "lessons": "Lessons",
        "skip_to_lesson": "Skip to the lesson",
        "next_lesson": "Next lesson",
        "page_ref": "page",
        # print references that carry no page number (the page is not known when laid out)
        "key_feedback": "Feedback and scores for each choice",
        "key_at_end": "in the answer key at the end of this lesson",
        "case_above": "in the judgment case above",
        "case_below": "in the judgment case below",
        "case_earlier": "in the judgment case earlier in this section",
        "case_later": "in the judgment case later in this section",
        "case_in_section": "in the judgment case in the section",
        # kinds, as listed in contents and on the title page
        "exercise": "Exercise",
        "judgment": "Judgment",
        "practice": "Practice",
        "decision": "Decision",
        # block headings
        "scene": "Scene",
        "tension": "The tension",
        "team_chat": "Team chat",
        "learn_the_judgment": "Learn the judgment",
        "the_call": "The call",
        "practice_heading": "Practice for score",
        "where_to_go_next": "Where to go next",
        # answers
        "your_answer": "Your answer",
        "your_notes": "Your notes",
        "your_call": "Your call",
        "your_decision": "Your decision and why",
        "choose_one": "Choose one:",
        "best_answer": "best answer",
        "time_left": "Time left",
        "start_timer": "Start timer",
        "save_answer": "Save answer",
        "submit": "Submit",
        "submit_choice": "Submit choice",
        "finish_heading": "Finish the lesson",
        "finish_course": "Finish the course",
        "finish": "Finish",
        # lesson facts
        "reading_time": "Reading time",
        "with_exercises": "Total with exercises",
        "activities": "Activities",
        "revised": "Revised",
        "in_this_lesson": "In this lesson you will",
    }
)
"""Label key -> the words shown."""

FONTS = MappingProxyType(
    {
        "text": '"Noto Serif", "Noto Serif Devanagari", Georgia, "Times New Roman", serif',
        "ui": '"Noto Sans", "Noto Sans Devanagari", "Helvetica Neue", Arial, sans-serif',
        "code": '"DejaVu Sans Mono", "Noto Sans Mono", Menlo, monospace',
    }
)
"""The type pairing of every channel: a serif for reading, a sans for headings, labels and
controls, a monospace for code. Noto covers Latin, ₹ and Devanagari; the emoji font is left to
fontconfig's fallback (naming it makes WeasyPrint take digits and spaces from it)."""


def typeset(css: str) -> str:
    """``css`` with each ``var(--font-NAME)`` replaced by that font stack."""
    for name, stack in FONTS.items():
        css = css.replace(f"var(--font-{name})", stack)
    return css
