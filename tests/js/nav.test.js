// The navigation request a lesson SCO leaves for the LMS (player/nav.js), per package mode.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { loadPlayer } = require("./player-context.js");

const AIPM = loadPlayer("nav.js");
const lessons = ["a", "b", "c"].map((id) => ({ id: id, title: id.toUpperCase(), item: "item-" + id }));

test("choice: any lesson, by its item identifier", () => {
  const sco = { nav: "choice", lessons: lessons };
  assert.equal(AIPM.nav.requestFor(sco, 0, 2), "{target=item-c}choice");
  assert.equal(AIPM.nav.requestFor(sco, 2, 0), "{target=item-a}choice");
});

test("flow (--forward-only): only the next or the previous lesson", () => {
  const sco = { nav: "flow", lessons: lessons };
  assert.equal(AIPM.nav.requestFor(sco, 0, 1), "continue");
  assert.equal(AIPM.nav.requestFor(sco, 2, 1), "previous");
  assert.equal(AIPM.nav.requestFor(sco, 0, 2), "");
});

test("none (SCORM 1.2): a SCO cannot ask", () => {
  assert.equal(AIPM.nav.requestFor({ nav: "none", lessons: lessons }, 0, 1), "");
});
