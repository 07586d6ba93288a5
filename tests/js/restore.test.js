// Restored suspend_data is never trusted (issue 17, item 14): everything is checked against the
// package's own activities. Run with `node --test tests/js/`.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { loadPlayer, plain, lessonConfig } = require("./player-context.js");

const AIPM = loadPlayer("format.js", "scoring.js", "state.js");
const config = lessonConfig();
const lesson = config.lessons[0];
const index = (kind) => lesson.activities.findIndex((a) => a.kind === kind);
const decision = lesson.activities[index("decision")];
const practice = lesson.activities[index("practice")];

function restore(data) {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return plain(AIPM.state.decode(text, config, 4000));
}

function answers(state) {
  return state.lessons[lesson.id] ? state.lessons[lesson.id].answers : {};
}

function totals(data) {
  return plain(AIPM.scoring.totals(config, AIPM.state.decode(JSON.stringify(data), config, 4000)));
}

test("format 1: the points come from the package, not the state", () => {
  const data = { v: 1, a: { [index("decision")]: ["ask-for-two-weeks-to", 1e9] } };
  assert.deepEqual(answers(restore(data))[decision.id], { r: "ask-for-two-weeks-to", p: 10 });
  assert.equal(totals(data).percent, 50);
});

test("format 1: a practice's points are recomputed from its text, or clamped when cut", () => {
  const text = "x".repeat(100);
  const whole = { v: 1, a: { [index("practice")]: [text, 1e9] } };
  assert.equal(answers(restore(whole))[practice.id].p, practice.max);
  const tooShort = { v: 1, a: { [index("practice")]: ["short", 1e9] } };
  assert.equal(answers(restore(tooShort))[practice.id].p, 0);
  const cut = { v: 1, a: { [index("practice")]: ["short", 1e9, 1] } };
  assert.deepEqual(answers(restore(cut))[practice.id], { r: "short", p: practice.max, cut: true });
  const negative = { v: 1, a: { [index("practice")]: ["short", -5, 1] } };
  assert.equal(answers(restore(negative))[practice.id].p, 0);
});

test("format 2: a choice index outside the decision is dropped", () => {
  for (const bad of [4, -1, 1.5, 1e9, "2", null]) {
    const data = { v: 2, L: [["", { [index("decision")]: [bad] }]] };
    assert.deepEqual(answers(restore(data)), {}, String(bad));
  }
  const good = { v: 2, L: [["", { [index("decision")]: [2] }]] };
  assert.deepEqual(answers(restore(good))[decision.id], { r: "ask-for-two-weeks-to", p: 10 });
});

test("format 2: stored points of a dropped text are clamped to the activity's maximum", () => {
  const data = { v: 2, L: [["", { [index("practice")]: [1e9] }]] };
  assert.deepEqual(answers(restore(data))[practice.id], { r: "", p: practice.max, dropped: true });
  const text = { v: 2, L: [["", { [index("practice")]: [1e9] }]], T: { [`0.${index("practice")}`]: "too short" } };
  assert.deepEqual(answers(restore(text))[practice.id], { r: "too short", p: 0 });
  assert.equal(totals({ v: 2, L: [["", { [index("practice")]: [Infinity] }]] }).earned, 0);
});

test("interaction indexes must be whole, non-negative and unique", () => {
  const d = index("decision");
  const p = index("practice");
  for (const bad of [-1, 0.5, "0", 1e12, null]) {
    const state = restore({ v: 2, L: [["", { [d]: [2, bad] }]] });
    assert.deepEqual(state.lessons[lesson.id].slots, {}, String(bad));
    const old = restore({ v: 1, a: { [d]: ["ask-for-two-weeks-to", 10] }, n: { [d]: bad } });
    assert.deepEqual(old.lessons[lesson.id].slots, {}, String(bad));
  }
  const twice = restore({ v: 2, L: [["", { [d]: [2, 0], [p]: [10, 0] }]] });
  assert.equal(Object.keys(twice.lessons[lesson.id].slots).length, 1);
});

test("unknown activities, lessons and sections are ignored", () => {
  const data = {
    v: 2,
    L: [["1".repeat(50) + "junk", { 99: [1], "-1": [1], "01": [1], __proto__: [1], x: [1] }], ["1", {}]],
    at: [0, 99],
  };
  const state = restore(data);
  assert.deepEqual(Object.keys(state.lessons), [lesson.id]);
  assert.deepEqual(answers(state), {});
  assert.equal(Object.keys(state.lessons[lesson.id].seen).length, lesson.sections.length);
  assert.deepEqual(state.at, { lesson: lesson.id, section: "" });
  assert.equal(restore({ v: 2, L: [], at: [5, 0] }).at, null);
});

test("anything unreadable restores the empty state", () => {
  const empty = plain(AIPM.state.empty());
  for (const text of ["", "not json", "[]", "null", "3", '{"v":3}', '{"v":"2"}', '{"v":2,"L":{"0":1}}', '{"v":2,"L":[[1,2]]}']) {
    const state = restore(text);
    assert.deepEqual(answers(state), {}, text);
    if (!text.includes('"v":2')) assert.deepEqual(state, empty, text);
  }
});

test("a restored text longer than any answer box is cut to it", () => {
  const data = { v: 2, L: [["", { [index("practice")]: [0] }]], T: { [`0.${index("practice")}`]: "y".repeat(9000) } };
  assert.equal(answers(restore(data))[practice.id].r.length, 4000);
});
