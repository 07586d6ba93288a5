"""Valid lessons generated from the seed, for catalog benchmarks and tests.

``variant(seed, i)`` keeps the seed's front matter and introduction, then a different choice
and order of its sections (each section is kept whole, so a practice keeps the judgment it
refers to), with place names swapped so no two lessons read alike. ``scaled(seed, k)`` repeats
the body k times with pinned activity ids, for the large-lesson memory test.

    python -m bench.generate 200 bench/work/lessons        # 200 variants
    python -m bench.generate --scale 50 bench/work/big      # one lesson 50 times the seed
    python -m bench.generate 20 bench/work/course --course  # a course of 20 variants
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "content" / "ai-pm-career-path.md"

PLACES = [
    ("India", "Indonesia"),
    ("India", "Brazil"),
    ("India", "Kenya"),
    ("India", "Vietnam"),
    ("Bangalore", "Jakarta"),
    ("Bangalore", "Nairobi"),
    ("Zoho", "Freshworks"),
    ("fintech", "insurtech"),
]
ACTIVITY_OPEN = re.compile(r"^(:{3,})\{(judgment|exercise|decision)\}.*$", re.MULTILINE)
CASE = re.compile(r"^:case: judgment-[\w-]+$", re.MULTILINE)


def split_seed(text: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(front matter with its fences, introduction, [(section title, section body)])."""
    _, front, rest = text.split("---\n", 2)
    parts = re.split(r"^## (.+)\n", rest, flags=re.MULTILINE)
    intro, pairs = parts[0], parts[1:]
    sections = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return f"---\n{front}---\n", intro, sections


def with_front(front: str, lesson_id: str, title: str) -> str:
    front = re.sub(r"^id: .*$", f"id: {lesson_id}", front, count=1, flags=re.MULTILINE)
    return re.sub(r"^title: .*$", f"title: {title}", front, count=1, flags=re.MULTILINE)


def variant(seed: str, index: int) -> str:
    """Lesson number ``index``: 3 to all of the seed's sections, in a shuffled order."""
    rng = random.Random(index)
    front, intro, sections = split_seed(seed)
    chosen = rng.sample(sections, rng.randint(3, len(sections)))
    body = intro + "".join(f"## {title}\n{text}" for title, text in chosen)
    for old, new in rng.sample(PLACES, 2):
        body = body.replace(old, new)
    title = f"The AI PM career path, part {index}"
    return with_front(front, f"lesson-{index:04d}", title) + body


def scaled(seed: str, times: int) -> str:
    """The seed's body ``times`` over; activity ids are pinned per copy so they stay unique."""
    front, intro, sections = split_seed(seed)
    copies = []
    for copy in range(1, times + 1):
        for title, text in sections:
            text = ACTIVITY_OPEN.sub(rf"\g<0>\n:id: \g<2>-{copy}", text)
            text = CASE.sub(f":case: judgment-{copy}", text)
            copies.append(f"## {title} ({copy})\n{text}")
    title = f"The AI PM career path, {times} times over"
    return with_front(front, f"ai-pm-career-path-x{times}", title) + intro + "".join(copies)


def write_catalog(folder: Path, count: int, seed_path: Path = SEED) -> list[Path]:
    """``count`` variant lessons in ``folder`` (lesson-0001.md ...)."""
    seed = seed_path.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(1, count + 1):
        path = folder / f"lesson-{index:04d}.md"
        path.write_text(variant(seed, index), encoding="utf-8")
        paths.append(path)
    return paths


LESSON_LINK = re.compile(r"\(lesson:[a-z0-9#-]+\)")
LESSONS_PER_MODULE = 5


def write_course(folder: Path, count: int, seed_path: Path = SEED) -> Path:
    """A course of ``count`` catalog lessons in modules of five, each lesson's ``lesson:``
    links pointing at the next lesson (the last at the first); returns its course.yml."""
    paths = write_catalog(folder, count, seed_path)
    for index, path in enumerate(paths):
        following = (index + 1) % count + 1
        text = LESSON_LINK.sub(f"(lesson:lesson-{following:04d})", path.read_text("utf-8"))
        path.write_text(text, encoding="utf-8")
    lines = [
        f"id: generated-course-{count}",
        f"title: A generated course of {count} lessons",
        'revision: "2026-12-01"',
        "modules:",
    ]
    for start in range(0, count, LESSONS_PER_MODULE):
        last = min(start + LESSONS_PER_MODULE, count)
        lines.append(f"  - title: Parts {start + 1} to {last}")
        lines.append("    lessons:")
        lines += [f"      - {p.name}" for p in paths[start : start + LESSONS_PER_MODULE]]
    course = folder / "course.yml"
    course.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return course


def write_scaled(path: Path, times: int, seed_path: Path = SEED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaled(seed_path.read_text(encoding="utf-8"), times), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=50)
    parser.add_argument("out", type=Path)
    parser.add_argument(
        "--scale", type=int, default=None, help="write one lesson this many times the seed"
    )
    parser.add_argument("--course", action="store_true", help="write a course.yml too")
    args = parser.parse_args()
    if args.course:
        print(write_course(args.out, args.count))
    elif args.scale:
        print(write_scaled(args.out / f"seed-x{args.scale}.md", args.scale))
    else:
        print(f"{len(write_catalog(args.out, args.count))} lessons in {args.out}")


if __name__ == "__main__":
    main()
