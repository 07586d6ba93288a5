// The state codec (assets/state.js): round trips, the per-version limits, and restored state that
// is checked against the package. Run with `node --test tests/js/`.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { loadPlayer, plain, lessonConfig, courseOf } = require("./player-context.js");

const AIPM = loadPlayer("format.js", "scoring.js", "state.js");
const { encode, decode, empty, mergeTexts } = AIPM.state;
const LIMIT_12 = 4096;
const LIMIT_2004 = 64000;
const MAX_TEXT = 4000;

const config = lessonConfig();
const lesson = config.lessons[0];
const byKind = Object.fromEntries(lesson.activities.map((a) => [a.kind, a]));
const decision = byKind.decision;
const practice = byKind.practice;
const exercise = byKind.exercise;
const PRACTICE_TEXT = "I take the Zoho AI role: the CRM domain and colleagues let me learn AI product work fast.";

function learnerState(course, lessonIndexes, text) {
  const state = empty();
  for (const li of lessonIndexes) {
    const l = course.lessons[li];
    const ls = AIPM.state.lesson(state, l);
    l.sections.forEach((s) => { ls.seen[s.id] = true; });
    ls.answers[decision.id] = { r: decision.choices[2].id, p: decision.choices[2].score };
    ls.answers[practice.id] = { r: text, p: AIPM.scoring.pointsFor(practice, text) };
    ls.answers[exercise.id] = { r: text + " (exercise)", p: 0 };
    ls.slots[decision.id] = li * 3;
    ls.slots[practice.id] = li * 3 + 1;
    ls.slots[exercise.id] = li * 3 + 2;
  }
  state.at = { lesson: course.lessons[lessonIndexes[0]].id, section: lesson.sections[3].id };
  return state;
}

// Everything but the free text: what must survive any limit.
function structure(state) {
  const out = plain(state);
  for (const ls of Object.values(out.lessons)) {
    for (const ans of Object.values(ls.answers)) {
      delete ans.r;
      delete ans.cut;
      delete ans.dropped;
    }
  }
  return out;
}

test("a lesson round-trips whole", () => {
  const state = learnerState(config, [0], PRACTICE_TEXT);
  const encoded = encode(state, config, LIMIT_12);
  assert.deepEqual(plain(encoded.lost), []);
  assert.deepEqual(plain(decode(encoded.text, config, MAX_TEXT)), plain(state));
});

test("a course keeps one record per lesson, by position", () => {
  const course = courseOf(10);
  const state = learnerState(course, [0, 3, 9], "short answer");
  const encoded = encode(state, course, LIMIT_12);
  const data = JSON.parse(encoded.text);
  assert.equal(data.v, 2);
  assert.equal(data.L.length, 10);
  assert.equal(data.L[1], 0); // not started
  assert.deepEqual(data.at, [0, 3]);
  assert.deepEqual(plain(decode(encoded.text, course, MAX_TEXT)), plain(state));
});

test("an empty state encodes small and decodes empty", () => {
  const encoded = encode(empty(), config, LIMIT_12);
  assert.equal(encoded.text, '{"v":2,"L":[]}');
  assert.deepEqual(plain(decode(encoded.text, config, MAX_TEXT)), plain(empty()));
});

test("decisions are stored by index: 60 of them with 64-character ids fit SCORM 1.2", () => {
  const ids = (n, k) => `c${n}-${k}-`.padEnd(64, "x");
  const activities = Array.from({ length: 60 }, (_, n) => ({
    ...plain(decision),
    id: `decision-${n}`,
    choices: [0, 1, 2, 3].map((k) => ({ id: ids(n, k), score: k * 3 })),
    correct: [ids(n, 3)],
    max: 9,
  }));
  const course = { ...config, lessons: [{ ...plain(lesson), activities }] };
  const state = empty();
  const ls = AIPM.state.lesson(state, course.lessons[0]);
  activities.forEach((a, n) => {
    ls.answers[a.id] = { r: a.choices[n % 4].id, p: a.choices[n % 4].score };
    ls.slots[a.id] = n;
  });
  const encoded = encode(state, course, LIMIT_12);
  assert.ok(encoded.text.length < 1500, encoded.text.length);
  assert.deepEqual(plain(decode(encoded.text, course, MAX_TEXT)), plain(state));
});

test("1.2: long answers are shortened to one common length, structure kept, never over 4,096", () => {
  const long = "Ünïcode \"quoted\" line 😀\n".repeat(160);
  const state = learnerState(config, [0], long);
  const encoded = encode(state, config, LIMIT_12);
  assert.ok(encoded.text.length <= LIMIT_12 && encoded.text.length > LIMIT_12 - 100, encoded.text.length);
  assert.deepEqual(plain(encoded.lost).map((l) => l.activity).sort(), [exercise.id, practice.id].sort());
  const data = JSON.parse(encoded.text);
  assert.deepEqual(data.C.sort(), Object.keys(data.T).sort());
  const back = decode(encoded.text, config, MAX_TEXT);
  assert.deepEqual(structure(back), structure(state));
  const restored = back.lessons[lesson.id].answers[practice.id];
  assert.equal(restored.cut, true);
  assert.ok(long.startsWith(restored.r) && restored.r.length < long.length);
  // Not a broken surrogate pair at the cut.
  assert.doesNotMatch(restored.r, /[\ud800-\udbff]$/);
  // 2004 keeps it all.
  const whole = encode(state, config, LIMIT_2004);
  assert.deepEqual(plain(whole.lost), []);
  assert.equal(decode(whole.text, config, MAX_TEXT).lessons[lesson.id].answers[practice.id].r, long);
});

test("a 10-lesson course with 300-word answers keeps all structure in 1.2 and everything in 2004", () => {
  const course = courseOf(10);
  const words = Array.from({ length: 300 }, (_, i) => `word${i % 17}`).join(" ");
  const state = learnerState(course, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], words);
  const short = encode(state, course, LIMIT_12);
  assert.ok(short.text.length <= LIMIT_12);
  assert.equal(short.overflow, false);
  assert.ok(short.lost.length > 0);
  assert.deepEqual(structure(decode(short.text, course, MAX_TEXT)), structure(state));
  const long = encode(state, course, LIMIT_2004);
  assert.deepEqual(plain(long.lost), []);
  assert.deepEqual(plain(decode(long.text, course, MAX_TEXT)), plain(state));
});

test("texts are dropped when not even a character of each fits; their points are kept", () => {
  const course = courseOf(10);
  const state = learnerState(course, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], PRACTICE_TEXT);
  const bare = JSON.parse(encode(state, course, LIMIT_2004).text);
  delete bare.T;
  const limit = JSON.stringify(bare).length + 5;
  const encoded = encode(state, course, limit);
  assert.ok(encoded.text.length <= limit);
  assert.ok(encoded.lost.every((l) => l.dropped));
  const back = decode(encoded.text, course, MAX_TEXT);
  assert.deepEqual(structure(back), structure(state));
  const ans = back.lessons[course.lessons[4].id].answers[practice.id];
  assert.deepEqual(plain(ans), { r: "", p: practice.max, dropped: true });
});

test("when even the structure cannot fit, nothing over the limit is written", () => {
  const state = learnerState(courseOf(10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], PRACTICE_TEXT);
  const encoded = encode(state, courseOf(10), 200);
  assert.equal(encoded.overflow, true);
  assert.ok(encoded.text.length <= 200);
});

test("no state, however long its texts, encodes over the limit", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const pieces = ["a", "😀", "\n", '"', "\\", "é", " ", "\u2028"];
  const course = courseOf(3);
  for (let round = 0; round < 40; round++) {
    const text = Array.from({ length: Math.floor(random() * 3000) + 1 }, () => pieces[Math.floor(random() * pieces.length)]).join("");
    const state = learnerState(course, [0, 1, 2], text);
    for (const limit of [LIMIT_12, 1000, 700]) {
      const encoded = encode(state, course, limit);
      assert.ok(encoded.text.length <= limit, `${encoded.text.length} > ${limit}`);
      JSON.parse(encoded.text);
    }
  }
});

test("the browser's full copy gives back shortened texts that match", () => {
  const long = "x".repeat(3000) + " end";
  const state = learnerState(config, [0], long);
  const fromLms = decode(encode(state, config, LIMIT_12).text, config, MAX_TEXT);
  const copy = decode(encode(state, config, Infinity).text, config, MAX_TEXT);
  assert.deepEqual(plain(mergeTexts(fromLms, copy)), plain(state));
  // A copy of some other answer is not taken.
  const other = learnerState(config, [0], "y".repeat(3000));
  const again = decode(encode(state, config, LIMIT_12).text, config, MAX_TEXT);
  const merged = mergeTexts(again, decode(encode(other, config, Infinity).text, config, MAX_TEXT));
  assert.equal(merged.lessons[lesson.id].answers[practice.id].cut, true);
});
