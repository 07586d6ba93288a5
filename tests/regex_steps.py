"""Count the steps a backtracking regex engine takes: a deterministic measure of regex cost.

Python's ``re`` reports no step count, and timing is not a test. This is a small backtracking
matcher over ``re``'s own parse tree (``re._parser``), with the same structure as ``re``'s
engine: greedy and lazy repeats that back off one character at a time, alternation tried in
order, possessive repeats and atomic groups that give nothing back, lookarounds, and search
trying every start position. A pattern whose steps grow quadratically here backtracks
quadratically in ``re`` too. Only what our patterns use is supported; anything else raises.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from typing import Any

# re's parser is private and untyped; its tree is what re's engine compiles.
C: Any = importlib.import_module("re._constants")
_parser: Any = importlib.import_module("re._parser")

Cont = Callable[[int], bool]


class Steps:
    """One run of a pattern over a text, counting every character test and every attempt."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.tree = _parser.parse(pattern.pattern, pattern.flags)
        self.flags = pattern.flags
        self.text = text
        self.count = 0
        self.found = False

    # -- single characters ---------------------------------------------------------------

    def char_ok(self, op: Any, av: Any, ch: str) -> bool:
        self.count += 1
        fold = self.flags & re.IGNORECASE
        if op is C.LITERAL:
            return ch == chr(av) or bool(fold and ch.lower() == chr(av).lower())
        if op is C.NOT_LITERAL:
            return not (ch == chr(av) or (fold and ch.lower() == chr(av).lower()))
        if op is C.ANY:
            return ch != "\n" or bool(self.flags & re.DOTALL)
        if op is C.CATEGORY:
            return category(av, ch)
        if op is C.IN:
            negate = bool(av) and av[0][0] is C.NEGATE
            items = av[1:] if negate else av
            return any(in_item(o, a, ch, bool(fold)) for o, a in items) != negate
        raise NotImplementedError(op)

    def single(self, node: Any) -> bool:
        return node[0] in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN, C.CATEGORY)

    # -- sequences -----------------------------------------------------------------------

    def seq(self, items: list[Any], i: int, pos: int, k: Cont) -> bool:
        self.count += 1
        if i == len(items):
            return k(pos)
        op, av = items[i]
        rest: Cont = lambda p: self.seq(items, i + 1, p, k)  # noqa: E731
        text = self.text
        if self.single(items[i]):
            return pos < len(text) and self.char_ok(op, av, text[pos]) and rest(pos + 1)
        if op is C.AT:
            return self.at(av, pos) and rest(pos)
        if op is C.SUBPATTERN:
            return self.seq(list(av[3]), 0, pos, rest)
        if op is C.ATOMIC_GROUP:
            end = self.first_end(list(av), pos)
            return end is not None and rest(end)
        if op is C.BRANCH:
            return any(self.seq(list(alt), 0, pos, rest) for alt in av[1])
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, sub = av
            sub = list(sub)
            if direction == 1:
                found = self.seq(sub, 0, pos, lambda p: True)
            else:
                width = _parser.SubPattern(_parser.State(), sub).getwidth()[0]
                start = pos - width
                found = start >= 0 and self.seq(sub, 0, start, lambda p: p == pos)
            return (found if op is C.ASSERT else not found) and rest(pos)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            return self.repeat(op, av, pos, rest)
        raise NotImplementedError(op)

    def first_end(self, items: list[Any], pos: int) -> int | None:
        found: list[int] = []

        def take(p: int) -> bool:
            found.append(p)
            return True

        return found[0] if self.seq(items, 0, pos, take) else None

    def repeat(self, op: Any, av: Any, pos: int, rest: Cont) -> bool:
        low, high, sub = av
        sub = list(sub)
        text = self.text
        if len(sub) == 1 and self.single(sub[0]):  # one character at a time, like re's REPEAT_ONE
            sop, sav = sub[0]
            if op is C.MIN_REPEAT:
                n = 0
                while True:
                    if n >= low and rest(pos + n):
                        return True
                    if (
                        n >= high
                        or pos + n >= len(text)
                        or not self.char_ok(sop, sav, text[pos + n])
                    ):
                        return False
                    n += 1
            n = 0
            while n < high and pos + n < len(text) and self.char_ok(sop, sav, text[pos + n]):
                n += 1
            if op is C.POSSESSIVE_REPEAT:
                return n >= low and rest(pos + n)
            for j in range(n, low - 1, -1):
                self.count += 1
                if rest(pos + j):
                    return True
            return False
        if op is C.POSSESSIVE_REPEAT:
            n = 0
            while n < high:
                end = self.first_end(sub, pos)
                if end is None or end == pos:
                    break
                pos, n = end, n + 1
            return n >= low and rest(pos)

        def again(count: int, at: int) -> bool:
            self.count += 1
            more = count < high and self.seq(sub, 0, at, lambda p: p != at and again(count + 1, p))
            if op is C.MAX_REPEAT:
                return more or (count >= low and rest(at))
            return (count >= low and rest(at)) or more

        return again(0, pos)

    def at(self, code: Any, pos: int) -> bool:
        text, multiline = self.text, self.flags & re.MULTILINE
        if code is C.AT_BEGINNING:
            return pos == 0 or bool(multiline and text[pos - 1] == "\n")
        if code is C.AT_BEGINNING_STRING:
            return pos == 0
        if code is C.AT_END:
            if multiline:
                return pos == len(text) or text[pos] == "\n"
            return pos == len(text) or (pos == len(text) - 1 and text[pos] == "\n")
        if code is C.AT_END_STRING:
            return pos == len(text)
        if code in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
            before = pos > 0 and is_word(text[pos - 1])
            after = pos < len(text) and is_word(text[pos])
            return (before != after) == (code is C.AT_BOUNDARY)
        raise NotImplementedError(code)

    # -- entry points --------------------------------------------------------------------

    def run(self, method: str) -> int:
        """Steps of ``pattern.<method>(text)`` (search, match, fullmatch, findall, sub)."""
        items = list(self.tree)
        end = len(self.text)
        if method == "match":
            self.found = self.seq(items, 0, 0, lambda p: True)
        elif method == "fullmatch":
            self.found = self.seq(items, 0, 0, lambda p: p == end)
        elif method == "search":
            starts = range(end + 1)
            self.found = any(self.seq(items, 0, s, lambda p: True) for s in starts)
        elif method in ("findall", "sub"):  # every match, left to right, as re.finditer
            start, self.found = 0, False
            while start <= end:
                found = self.first_end(items, start)
                self.found = self.found or found is not None
                start = start + 1 if found is None or found == start else found
        else:
            raise ValueError(method)
        return self.count


def run(pattern: re.Pattern[str], text: str, method: str) -> Steps:
    """``pattern.<method>(text)`` run by the counting matcher (it recurses per repeat)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 50_000))
    try:
        counted = Steps(pattern, text)
        counted.run(method)
        return counted
    finally:
        sys.setrecursionlimit(limit)


def steps(pattern: re.Pattern[str], text: str, method: str) -> int:
    """The steps ``pattern.<method>(text)`` takes."""
    return run(pattern, text, method).count


def is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def category(code: Any, ch: str) -> bool:
    if code is C.CATEGORY_DIGIT:
        return ch.isdecimal()
    if code is C.CATEGORY_NOT_DIGIT:
        return not ch.isdecimal()
    if code is C.CATEGORY_SPACE:
        return ch.isspace()
    if code is C.CATEGORY_NOT_SPACE:
        return not ch.isspace()
    if code is C.CATEGORY_WORD:
        return is_word(ch)
    if code is C.CATEGORY_NOT_WORD:
        return not is_word(ch)
    raise NotImplementedError(code)


def in_item(op: Any, av: Any, ch: str, fold: bool) -> bool:
    if op is C.LITERAL:
        return ch == chr(av) or (fold and ch.lower() == chr(av).lower())
    if op is C.RANGE:
        low, high = av
        return low <= ord(ch) <= high or (fold and low <= ord(ch.lower()) <= high)
    if op is C.CATEGORY:
        return category(av, ch)
    raise NotImplementedError(op)
