/* aipm-content player: the SCORM 1.2 and 2004 adapters (the interface is described in lms.js).
 *
 * Every value is shaped to what the version allows (config.limits) before it is sent, because
 * lenient runtimes accept values that strict LMSs then reject.
 */
(function (AIPM) {
  "use strict";

  var F = AIPM.format;

  function letterOf(act, choiceId) {
    var i = AIPM.scoring.choiceIndex(act, choiceId);
    return i < 0 ? "" : String.fromCharCode(97 + i);
  }

  var V12 = {
    apiName: "API",
    calls: { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish" },
    status: "cmi.core.lesson_status",
    learner: "cmi.core.student_id",
    mastery: "cmi.student_data.mastery_score",
    masteryPercent: function (n) { return n; },
    interaction: function (set, p, act, ans, outcome, first, limits) {
      var choice = AIPM.scoring.isChoice(act);
      if (first) {
        set(p + "id", F.cut(act.lms_id.replace(/[^A-Za-z0-9_-]/g, "_"), 255));
        set(p + "type", choice ? "choice" : "fill-in");
        if (choice && act.correct.length) set(p + "correct_responses.0.pattern", letterOf(act, act.correct[0]));
      }
      set(p + "time", F.timeOfDay(new Date()));
      set(p + "student_response", choice ? letterOf(act, ans.r) : F.oneLine(ans.r, limits.response));
      set(p + "result", outcome === "incorrect" ? "wrong" : outcome);
    },
    progress: function (set, r, limits) {
      if (r.percent !== null && r.anyScored) {
        set("cmi.core.score.raw", r.percent);
        set("cmi.core.score.min", 0);
        set("cmi.core.score.max", 100);
      }
      var status = !r.done ? "incomplete" : r.passed === null ? "completed" : r.passed ? "passed" : "failed";
      set("cmi.core.lesson_status", status);
      set("cmi.core.lesson_location", F.cut(r.location, limits.location));
      set("cmi.suspend_data", r.state);
      set("cmi.core.session_time", F.timespan12(r.sessionMs));
      set("cmi.core.exit", r.final && r.done ? "" : "suspend");
    },
  };

  var V2004 = {
    apiName: "API_1484_11",
    calls: { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate" },
    status: "cmi.completion_status",
    learner: "cmi.learner_id",
    mastery: "cmi.scaled_passing_score",
    masteryPercent: function (n) { return n * 100; },
    interaction: function (set, p, act, ans, outcome, first, limits) {
      var choice = AIPM.scoring.isChoice(act);
      if (first) {
        set(p + "id", act.iri);
        set(p + "type", act.type); // before the response, as 2004 requires
        set(p + "description", F.oneLine(act.title, limits.description));
        if (choice) act.correct.forEach(function (c, k) { set(p + "correct_responses." + k + ".pattern", c); });
      }
      set(p + "timestamp", F.timestamp2004(new Date()));
      set(p + "learner_response", choice ? ans.r : F.oneLine(ans.r, limits.response));
      set(p + "result", outcome);
    },
    progress: function (set, r, limits) {
      if (r.percent !== null && r.anyScored) {
        set("cmi.score.raw", r.percent);
        set("cmi.score.min", 0);
        set("cmi.score.max", 100);
        set("cmi.score.scaled", Math.max(-1, Math.min(1, r.percent / 100)));
      }
      set("cmi.completion_status", r.done ? "completed" : "incomplete");
      set("cmi.success_status", r.passed === null ? "unknown" : r.passed ? "passed" : "failed");
      set("cmi.progress_measure", r.progress);
      set("cmi.location", F.cut(r.location, limits.location));
      set("cmi.suspend_data", r.state);
      set("cmi.session_time", F.interval2004(r.sessionMs));
      set("cmi.exit", r.final && r.done ? "normal" : "suspend");
    },
    // A local objective the manifest maps to a shared global (--forward-only): satisfied once done.
    objective: function (set, p, id, fresh) {
      if (fresh) set(p + "id", id);
      set(p + "success_status", "passed");
      set(p + "completion_status", "completed");
    },
    valid: function (request, item) {
      return request.slice(-6) === "choice" ? "adl.nav.request_valid.choice.{target=" + item + "}" : "adl.nav.request_valid." + request;
    },
  };

  function scormAdapter(v, api, limits) {
    var finished = false;
    var count = 0; // interactions the LMS holds: indexes must stay contiguous
    var written = {}; // interaction indexes whose id and type were sent this session
    var objectives = {}; // objective id -> the index the LMS holds it at
    var adapter = {
      name: v === V12 ? "1.2" : "2004",
      live: false,
      stateLimit: limits.suspend_data,
    };
    function call(name, a, b) {
      return api[v.calls[name]](a, b);
    }
    function get(el) {
      if (!adapter.live) return "";
      var value = call("get", el);
      return value === null || value === undefined ? "" : String(value);
    }
    function set(el, value) {
      if (!adapter.live || finished) return false;
      return String(call("set", el, String(value))) === "true";
    }
    adapter.start = function () {
      adapter.live = String(call("init", "")) === "true";
      if (!adapter.live) return false;
      count = parseInt(get("cmi.interactions._count"), 10) || 0;
      if (get(v.status) === "not attempted") set(v.status, "incomplete");
      return true;
    };
    adapter.loadState = function () { return get("cmi.suspend_data"); };
    adapter.learner = function () { return get(v.learner); };
    adapter.masteryScore = function () {
      var text = get(v.mastery);
      return text !== "" && isFinite(Number(text)) ? v.masteryPercent(Number(text)) : null;
    };
    adapter.recordAnswer = function (act, ans, outcome, slot) {
      if (!adapter.live || finished || !act.recorded) return slot;
      if (slot === undefined || slot >= count) {
        slot = count; // a slot the LMS does not hold (a new attempt) is issued again
        count += 1;
      }
      v.interaction(set, "cmi.interactions." + slot + ".", act, ans, outcome, !written[slot], limits);
      written[slot] = true;
      return slot;
    };
    // Where the LMS holds objective `id` (a 2004 LMS lists the manifest's objectives itself).
    function objectiveSlot(id) {
      if (objectives[id] !== undefined) return { n: objectives[id], fresh: false };
      var n = parseInt(get("cmi.objectives._count"), 10) || 0;
      for (var i = 0; i < n; i++) {
        if (get("cmi.objectives." + i + ".id") === id) return { n: (objectives[id] = i), fresh: false };
      }
      objectives[id] = n;
      return { n: n, fresh: true };
    }
    adapter.recordProgress = function (report) {
      if (!adapter.live || finished) return;
      v.progress(set, report, limits);
      if (report.objective && report.done && v.objective) {
        var slot = objectiveSlot(report.objective);
        v.objective(set, "cmi.objectives." + slot.n + ".", report.objective, slot.fresh);
      }
    };
    // Ask the LMS to open another SCO once this one ends (2004 only); false when it may not.
    adapter.navigate = function (request, item) {
      if (!adapter.live || finished || !v.valid) return false;
      if (get(v.valid(request, item)) === "false") return false;
      return set("adl.nav.request", request);
    };
    adapter.commit = function () {
      if (!adapter.live || finished) return false;
      return String(call("commit", "")) === "true";
    };
    adapter.finish = function () {
      if (!adapter.live || finished) return false;
      finished = true;
      return String(call("finish", "")) === "true";
    };
    return adapter;
  }

  function factory(v) {
    var make = function (api, limits) { return scormAdapter(v, api, limits); };
    make.apiName = v.apiName;
    return make;
  }

  AIPM.adapters = AIPM.adapters || {};
  AIPM.adapters["1.2"] = factory(V12);
  AIPM.adapters["2004"] = factory(V2004);
})((window.AIPM = window.AIPM || {}));
