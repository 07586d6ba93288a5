/* aipm-content player: the cmi5 adapter (the interface is described in lms.js), over xapi.js.
 *
 * Launch (cmi5 section 8): the query string's endpoint, fetch, actor, registration and
 * activityId; one POST to fetch for the token; then, before any statement, the LMS.LaunchData
 * state, the cmi5LearnerPreferences agent profile and our own saved state; then "initialized".
 * Statements: "answered" per activity (cmi5 allowed: the activity's IRI, the AU as parent),
 * "completed" once per registration, "passed"/"failed" at the end against masteryScore, and
 * "terminated" last; in Browse and Review modes only "initialized" and "terminated", and no
 * saved state is written. No launch parameters at all: not a cmi5 launch (the offline player).
 */
(function (AIPM) {
  "use strict";

  var X = AIPM.xapi;
  var ADL = "http://adlnet.gov/expapi/verbs/";
  var CMI5 = "https://w3id.org/xapi/cmi5/context/";
  var CATEGORY = CMI5 + "categories/cmi5";
  var MOVEON = CMI5 + "categories/moveon";
  var MASTERY = CMI5 + "extensions/masteryscore";
  var STATE_ID = "aipm-player";
  var PARAMS = ["endpoint", "fetch", "actor", "registration", "activityId"];
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  function httpUrl(text) {
    try {
      var url = new URL(text);
      return url.protocol === "https:" || url.protocol === "http:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  // The launch parameters, null when there are none (no cmi5 launch), or {problem}.
  function launchParams(search, pageOrigin) {
    var q = new URLSearchParams(search);
    var given = PARAMS.filter(function (k) { return q.has(k); });
    if (!given.length) return null;
    var missing = PARAMS.filter(function (k) { return !q.get(k); });
    if (missing.length) return { problem: "the launch is missing " + missing.join(", ") };
    var p = {};
    PARAMS.forEach(function (k) { p[k] = q.get(k); });
    var endpoint = httpUrl(p.endpoint);
    var fetchUrl = httpUrl(p.fetch);
    if (!endpoint || !fetchUrl) return { problem: "the launch's endpoint or fetch is not an http(s) URL" };
    var reachable = [endpoint, fetchUrl].every(function (u) { return u.protocol === "https:" || u.origin === pageOrigin; });
    if (!reachable) return { problem: "the LMS's endpoint must use https (or be on this package's own site)" };
    try {
      p.actor = JSON.parse(p.actor);
    } catch (e) {
      p.actor = null;
    }
    var account = p.actor && typeof p.actor === "object" && p.actor.account;
    if (!account || typeof account.name !== "string" || typeof account.homePage !== "string") {
      return { problem: "the launch's actor is not an agent with an account" };
    }
    if (!UUID.test(p.registration)) return { problem: "the launch's registration is not a UUID" };
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(p.activityId)) return { problem: "the launch's activityId is not an IRI" };
    p.origins = [endpoint.origin, fetchUrl.origin].filter(function (o, i, all) { return all.indexOf(o) === i; });
    return p;
  }

  // Narrow the page's connect-src to the launch's own origins: a second policy only restricts.
  function narrowPolicy(doc, origins) {
    var meta = doc.createElement("meta");
    meta.httpEquiv = "Content-Security-Policy";
    meta.content = "connect-src " + origins.join(" ");
    doc.head.appendChild(meta);
  }

  function problemText(e) {
    if (e && e.code === "1") return "this launch link was used already; open the lesson again from the LMS";
    if (e && e.code) return "the LMS refused the launch (error " + e.code + ")";
    return "the LMS did not answer as expected: " + ((e && e.message) || "unknown error");
  }

  function round4(n) {
    return Math.round(n * 10000) / 10000;
  }

  // The context of every statement: the LMS's contextTemplate, never overwritten, plus ours.
  function context(template, registration, extra) {
    var c = JSON.parse(JSON.stringify(template));
    c.registration = registration;
    var acts = (c.contextActivities = c.contextActivities || {});
    Object.keys(extra).forEach(function (list) {
      acts[list] = acts[list] || [];
      extra[list].forEach(function (id) {
        var has = acts[list].some(function (a) { return a && a.id === id; });
        if (!has) acts[list].push({ id: id, objectType: "Activity" });
      });
    });
    return c;
  }

  function cmi5Adapter(win, config) {
    var params = launchParams(win.location.search, win.location.origin);
    if (!params) return null;
    var F = AIPM.format;
    var lang = config.language;
    var a = { name: "cmi5", live: false, stateLimit: config.limits.suspend_data, notice: "" };
    var api = null;
    var launch = null;
    var saved = { state: "", sent: {} }; // our State document: the player's state, what was sent
    var session = {}; // verbs sent in this session
    var ended = false;
    var report = null;
    var putText = null; // the state document as last queued
    var initializedAt = 0;
    var jobs = X.queue(function (e) {
      a.notice = "The LMS stopped accepting your progress (" + e.message + "): you can keep reading, but nothing more is recorded.";
      if (a.onNotice) a.onNotice(a.notice);
    });

    function normal() {
      return launch.launchMode === "Normal";
    }

    function statement(verb, object, result, extra) {
      var s = {
        id: X.uuid(win),
        timestamp: new Date().toISOString(),
        actor: params.actor,
        verb: { id: ADL + verb, display: { "en-US": verb } },
        object: object || { id: params.activityId, objectType: "Activity" },
        context: context(launch.contextTemplate, params.registration, extra),
      };
      if (result) s.result = result;
      return s;
    }

    function send(s) {
      session[s.verb.display["en-US"]] = true;
      return jobs.add(function () { return api.request("POST", "statements", null, s, [200]); }, "", { statement: s });
    }

    function defined(verb, result, moveOn, more) {
      var s = statement(verb, null, result, { category: moveOn ? [CATEGORY, MOVEON] : [CATEGORY] });
      if (more) Object.keys(more).forEach(function (k) { s.context.extensions = s.context.extensions || {}; s.context.extensions[k] = more[k]; });
      return send(s);
    }

    function stateParams(stateId) {
      return { activityId: params.activityId, agent: JSON.stringify(params.actor), registration: params.registration, stateId: stateId };
    }

    function putState() {
      if (!normal() || jobs.stopped()) return;
      var doc = { state: saved.state, sent: saved.sent };
      var text = JSON.stringify(doc);
      if (text === putText) return;
      putText = text;
      jobs.add(function () { return api.request("PUT", "activities/state", stateParams(STATE_ID), doc, [204, 200]); }, "state", { state: doc });
    }

    function elapsed() {
      return F.interval2004(Date.now() - initializedAt);
    }

    function mastery() {
      var m = launch.masteryScore;
      if (typeof m === "number" && m >= 0 && m <= 1) return { value: m, fromLms: true };
      if (config.mastery_score !== null && config.mastery_score !== undefined) return { value: config.mastery_score / 100, fromLms: false };
      return null;
    }

    // passed or failed, once: judged when the learner is done and the lesson has points.
    function judge() {
      if (!report || !report.done || !report.max || !report.anyScored || saved.sent.passed) return;
      if (session.passed || session.failed) return;
      var m = mastery();
      if (!m) return;
      var scaled = round4(report.earned / report.max);
      var passed = scaled >= m.value;
      var result = {
        score: { scaled: scaled, raw: report.earned, min: 0, max: report.max },
        success: passed,
        duration: elapsed(),
      };
      defined(passed ? "passed" : "failed", result, true, m.fromLms ? (function () { var e = {}; e[MASTERY] = m.value; return e; })() : null);
      if (passed) saved.sent.passed = true;
    }

    function terminate() {
      if (ended) return false;
      if (normal()) judge();
      ended = true;
      putState();
      defined("terminated", { duration: elapsed() }, false);
      return true;
    }

    a.start = function (done) {
      if (params.problem) return done("Could not connect to the LMS: " + params.problem + ". You can still read the lesson; nothing is recorded.");
      narrowPolicy(win.document, params.origins);
      X.fetchToken(win, params.fetch)
        .then(function (token) {
          api = X.client(win, params.endpoint, token);
          return api.request("GET", "activities/state", stateParams("LMS.LaunchData"), undefined, [200]);
        })
        .then(function (r) {
          launch = r.body;
          var modes = ["Normal", "Browse", "Review"];
          if (!launch || typeof launch !== "object" || modes.indexOf(launch.launchMode) < 0 || !launch.contextTemplate || typeof launch.contextTemplate !== "object") {
            throw new Error("its launch data is missing or incomplete");
          }
          var agent = { agent: JSON.stringify(params.actor), profileId: "cmi5LearnerPreferences" };
          return api.request("GET", "agents/profile", agent, undefined, [200, 204, 403, 404]); // 403: not an error (cmi5 11)
        })
        .then(function () { return api.request("GET", "activities/state", stateParams(STATE_ID), undefined, [200, 204, 404]); })
        .then(function (r) {
          var doc = r.body;
          if (doc && typeof doc === "object" && typeof doc.state === "string") {
            saved.state = doc.state;
            if (doc.sent && typeof doc.sent === "object") saved.sent = { completed: doc.sent.completed === true, passed: doc.sent.passed === true };
            putText = JSON.stringify({ state: saved.state, sent: saved.sent });
          }
          initializedAt = Date.now();
          return api.request("POST", "statements", null, statement("initialized", null, null, { category: [CATEGORY] }), [200]);
        })
        .then(
          function () {
            session.initialized = true;
            a.live = true;
            if (launch.launchMode !== "Normal") a.notice = launch.launchMode + " mode: look around freely; nothing you do here is recorded.";
            return "";
          },
          function (e) {
            return "Could not connect to the LMS: " + problemText(e) + ". You can still read the lesson; nothing is recorded.";
          }
        )
        .then(function (problem) {
          // Outside the promise chain: the player's own errors stay errors, and done runs once.
          win.setTimeout(function () { done(problem); }, 0);
        });
    };

    a.loadState = function () { return saved.state; };
    a.learner = function () { return params.actor.account.homePage + "|" + params.actor.account.name; };
    a.masteryScore = function () {
      var m = launch && mastery();
      return m ? round4(m.value * 100) : null;
    };

    a.recordAnswer = function (act, ans, outcome, slot) {
      if (!a.live || ended || !normal() || !act.recorded) return slot;
      var result = { response: String(ans.r), duration: elapsed() };
      if (act.max) result.score = { scaled: round4(ans.p / act.max), raw: ans.p, min: 0, max: act.max };
      if (outcome !== "neutral") result.success = outcome === "correct";
      var object = { id: act.iri, objectType: "Activity", definition: act.definition };
      send(statement("answered", object, result, { parent: [params.activityId] }));
      return slot;
    };

    a.recordProgress = function (r) {
      if (!a.live || ended || !normal()) return;
      report = r;
      saved.state = r.state;
      if (r.done && !saved.sent.completed && !session.completed) {
        defined("completed", { completion: true, duration: elapsed() }, true);
        saved.sent.completed = true;
      }
      putState();
    };

    a.commit = function () { return a.live && !ended; };

    // Finish: the last statements, then back to the LMS when it gave a returnURL.
    a.finish = function () {
      if (!a.live || !terminate()) return false;
      jobs.whenIdle(function (sent) {
        if (!sent) return; // the LRS stopped: stay, so the learner sees that nothing was kept
        var back = null;
        try {
          back = typeof launch.returnURL === "string" && launch.returnURL ? httpUrl(new URL(launch.returnURL, win.location.href).href) : null;
        } catch (e) {
          back = null; // not a URL: stay on the page
        }
        if (back) win.location.assign(back.href);
      });
      return true;
    };

    // The page is going away and no more jobs will start: what is still queued goes now, in
    // requests the browser keeps alive (the statements in order, as one array; the saved state).
    // One in flight is kept alive too and already on its way, so it arrives first.
    a.leave = function () {
      if (!a.live || jobs.stopped()) return;
      jobs.hold();
      terminate();
      var pending = jobs.take();
      var statements = [];
      var doc = null;
      pending.forEach(function (job) {
        if (job.data.statement) statements.push(job.data.statement);
        if (job.data.state) doc = job.data.state;
      });
      if (doc) api.request("PUT", "activities/state", stateParams(STATE_ID), doc, [204, 200]).catch(function () {});
      if (statements.length) api.request("POST", "statements", null, statements, [200]).catch(function () {});
    };

    return a;
  }

  cmi5Adapter.fromLaunch = true;
  AIPM.adapters = AIPM.adapters || {};
  AIPM.adapters.cmi5 = cmi5Adapter;
  AIPM.cmi5 = { launchParams: launchParams, context: context };
})((window.AIPM = window.AIPM || {}));
