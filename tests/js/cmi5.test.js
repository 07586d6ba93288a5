// The cmi5 adapter's pure parts (assets/cmi5.js): reading the launch parameters and building a
// statement's context from the LMS's contextTemplate. Run with `node --test tests/js/`.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { loadPlayerWith, plain } = require("./player-context.js");

const AIPM = loadPlayerWith({ URL, URLSearchParams }, "format.js", "xapi.js", "cmi5.js");
const { launchParams, context } = AIPM.cmi5;
const PAGE = "https://content.example.com";
const ACTOR = { objectType: "Agent", account: { homePage: "https://lms.example.com", name: "1625378" } };

function search(overrides) {
  const q = new URLSearchParams({
    endpoint: "https://lrs.example.com/xapi/",
    fetch: "https://lms.example.com/token?k=1",
    actor: JSON.stringify(ACTOR),
    registration: "760e3480-ba55-4991-94b0-01820dbd23a2",
    activityId: "https://lms.example.com/aus/1",
  });
  for (const [k, v] of Object.entries(overrides || {})) {
    if (v === null) q.delete(k);
    else q.set(k, v);
  }
  return "?" + q.toString();
}

test("no launch parameter at all is no cmi5 launch", () => {
  assert.equal(launchParams("", PAGE), null);
  assert.equal(launchParams("?page=2", PAGE), null);
});

test("the five parameters, in any order, give the launch and its origins", () => {
  const p = plain(launchParams(search(), PAGE));
  assert.deepEqual(p.actor, ACTOR);
  assert.deepEqual(p.origins, ["https://lrs.example.com", "https://lms.example.com"]);
  const reordered = "?" + search().slice(1).split("&").reverse().join("&");
  assert.deepEqual(plain(launchParams(reordered, PAGE)).origins, p.origins);
});

test("a missing or wrong parameter is a problem to show, never an exception", () => {
  const problems = {
    actor: [null, "missing actor"],
    registration: ["42", "not a UUID"],
    activityId: ["no scheme", "not an IRI"],
    endpoint: ["ftp://lrs.example.com/", "not an http(s) URL"],
    fetch: ["http://lms.example.com/token", "must use https"],
  };
  for (const [name, [value, says]] of Object.entries(problems)) {
    const p = launchParams(search({ [name]: value }), PAGE);
    assert.ok(p && p.problem && p.problem.includes(says), `${name}: ${p && p.problem}`);
  }
  assert.match(launchParams(search({ actor: '{"name":"x"}' }), PAGE).problem, /account/);
  assert.match(launchParams(search({ actor: "{not json" }), PAGE).problem, /account/);
  // http on the package's own site is fine: the page's CSP allows 'self'.
  const same = "http://lms.local";
  assert.equal(launchParams(search({ endpoint: same + "/x/", fetch: same + "/t" }), same).problem, undefined);
  assert.match(launchParams(search({ endpoint: "http://other.local/x/" }), same).problem, /must use https/);
});

test("the context keeps the template and adds without duplicating", () => {
  const template = {
    contextActivities: { grouping: [{ id: "pub" }], category: [{ id: "https://w3id.org/xapi/cmi5/context/categories/cmi5" }] },
    extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s1" },
  };
  const c = plain(context(template, "r1", { category: ["https://w3id.org/xapi/cmi5/context/categories/cmi5", "m"], parent: ["au"] }));
  assert.equal(c.registration, "r1");
  assert.deepEqual(c.contextActivities.grouping, [{ id: "pub" }]);
  assert.deepEqual(c.contextActivities.category.map((a) => a.id), ["https://w3id.org/xapi/cmi5/context/categories/cmi5", "m"]);
  assert.deepEqual(c.contextActivities.parent, [{ id: "au", objectType: "Activity" }]);
  assert.equal(c.extensions["https://w3id.org/xapi/cmi5/context/extensions/sessionid"], "s1");
  assert.deepEqual(template.contextActivities.category.length, 1); // the template is not changed
});

test("statement ids are version 4 UUIDs", () => {
  const win = { crypto: require("node:crypto").webcrypto };
  const id = AIPM.xapi.uuid(win);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(id, AIPM.xapi.uuid(win));
});
