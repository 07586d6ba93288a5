// Loads the player's classic scripts into a fresh vm context, as a browser would load them, and
// returns its window.AIPM. Values from that context have their own prototypes: compare them
// through plain() (a JSON round trip) with deepStrictEqual.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ASSETS = path.join(__dirname, "..", "..", "src", "aipm_content", "exporters", "scorm", "assets");
const FIXTURES = path.join(__dirname, "fixtures");

// `globals`: what a browser would have that a bare context lacks (URL, URLSearchParams).
function loadPlayer(...names) {
  return loadPlayerWith({}, ...names);
}

function loadPlayerWith(globals, ...names) {
  const context = vm.createContext({ ...globals });
  context.window = context;
  for (const name of names) {
    vm.runInContext(fs.readFileSync(path.join(ASSETS, name), "utf8"), context, { filename: name });
  }
  return context.AIPM;
}

function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

// The bundled lesson's player config (tests/test_scorm_manifest.py keeps its shape current).
function lessonConfig() {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, "lesson-config.json"), "utf8"));
}

// A course of n copies of the bundled lesson, each with its own lesson id.
function courseOf(n) {
  const config = lessonConfig();
  const lesson = config.lessons[0];
  config.lessons = Array.from({ length: n }, (_, i) => ({ ...plain(lesson), id: `${lesson.id}-${i + 1}` }));
  return config;
}

module.exports = { loadPlayer, loadPlayerWith, plain, lessonConfig, courseOf };
