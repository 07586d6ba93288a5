/* aipm-content SCORM player: progress, answers and tracking for one lesson.
 *
 * Works in three places: inside a SCORM 1.2 LMS (window.API), a SCORM 2004 LMS
 * (window.API_1484_11), or opened from disk with no LMS (state kept in localStorage).
 * It never makes a network request itself; everything it needs is in index.html.
 * Every value sent to an LMS is cut to what that SCORM version allows (config.limits),
 * because lenient runtimes accept values that strict LMSs then reject.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("aipm-config").textContent);
  var V12 = config.version === "1.2";
  var LIMITS = config.limits;
  var STORAGE_KEY = "aipm-player:" + config.lesson;

  /* ---------- finding the LMS API, as ADL describes it ---------- */

  function apiOn(win, name) {
    try {
      return win[name] || null;
    } catch (e) {
      return null; // a cross-origin frame: look further up
    }
  }

  function searchUp(win, name) {
    for (var tries = 0; win && tries < 500; tries++) {
      var api = apiOn(win, name);
      if (api) return api;
      var parent = null;
      try {
        parent = win.parent;
      } catch (e) {
        return null;
      }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }

  function findApi(name) {
    var api = searchUp(window, name);
    var openers = [];
    try {
      if (window.opener) openers.push(window.opener);
    } catch (e) { /* no access */ }
    try {
      if (window.top && window.top.opener) openers.push(window.top.opener);
    } catch (e) { /* no access */ }
    for (var i = 0; !api && i < openers.length; i++) api = searchUp(openers[i], name);
    return api;
  }

  /* ---------- the LMS, behind one small interface ---------- */

  var E = V12
    ? {
        location: "cmi.core.lesson_location",
        entry: "cmi.core.entry",
        exit: "cmi.core.exit",
        sessionTime: "cmi.core.session_time",
        raw: "cmi.core.score.raw",
        min: "cmi.core.score.min",
        max: "cmi.core.score.max",
        mastery: "cmi.student_data.mastery_score",
      }
    : {
        location: "cmi.location",
        entry: "cmi.entry",
        exit: "cmi.exit",
        sessionTime: "cmi.session_time",
        raw: "cmi.score.raw",
        min: "cmi.score.min",
        max: "cmi.score.max",
        mastery: "cmi.scaled_passing_score",
      };

  var lms = {
    api: null,
    live: false,
    finished: false,
    init: function () {
      this.api = findApi(V12 ? "API" : "API_1484_11");
      if (!this.api) return false;
      var ok = V12 ? this.api.LMSInitialize("") : this.api.Initialize("");
      this.live = String(ok) === "true";
      return this.live;
    },
    get: function (el) {
      if (!this.live) return "";
      var v = V12 ? this.api.LMSGetValue(el) : this.api.GetValue(el);
      return v === null || v === undefined ? "" : String(v);
    },
    set: function (el, value) {
      if (!this.live || this.finished) return false;
      var v = String(value);
      return String(V12 ? this.api.LMSSetValue(el, v) : this.api.SetValue(el, v)) === "true";
    },
    commit: function () {
      if (!this.live || this.finished) return false;
      return String(V12 ? this.api.LMSCommit("") : this.api.Commit("")) === "true";
    },
    finish: function () {
      if (!this.live || this.finished) return false;
      this.finished = true;
      return String(V12 ? this.api.LMSFinish("") : this.api.Terminate("")) === "true";
    },
  };

  /* ---------- value shaping: the per-version limits live here ---------- */

  // Cut to at most n UTF-16 units without splitting a surrogate pair.
  function cut(text, n) {
    if (text.length <= n) return text;
    var out = text.slice(0, n);
    var last = out.charCodeAt(out.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
    return out;
  }

  // One line of text: LMS string types reject line breaks (2004 localized strings), and a
  // leading "{" would read as a {lang=...} delimiter.
  function oneLine(text, n) {
    var flat = String(text).replace(/\s+/g, " ").trim().replace(/^\{/, "(");
    return cut(flat, n).trim();
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }

  // Session time: 1.2 CMITimespan HHHH:MM:SS.SS, 2004 timeinterval PT#H#M#S (2 decimals at most).
  function duration(ms) {
    var cs = Math.max(0, Math.floor(ms / 10));
    var h = Math.floor(cs / 360000);
    var m = Math.floor((cs % 360000) / 6000);
    var s = Math.floor((cs % 6000) / 100);
    var frac = cs % 100;
    if (V12) {
      if (h > 9999) return "9999:59:59.99";
      return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(frac, 2);
    }
    return "PT" + h + "H" + m + "M" + s + "." + pad(frac, 2) + "S";
  }

  // 2004 time(second,10,0): fractional seconds, at most two digits.
  function timestamp(date) {
    return date.toISOString().slice(0, 22) + "Z";
  }

  function timeOfDay(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  /* ---------- state ---------- */

  var sections = config.sections;
  var activities = config.activities;
  var byId = {};
  activities.forEach(function (a, i) {
    a.index = i;
    byId[a.id] = a;
  });

  var state = {
    seen: {},     // section id -> true
    answers: {},  // activity id -> {r: response, p: points, cut: shortened to fit}
    slots: {},    // activity id -> interaction index
    location: "",
  };
  var started = Date.now();
  var slotCount = 0;
  var writtenThisSession = {};

  // suspend_data: compact JSON by position, so ids never cost characters.
  function pack(answers) {
    var seen = sections.map(function (s) { return state.seen[s.id] ? "1" : "0"; }).join("");
    var a = {};
    var n = {};
    activities.forEach(function (act) {
      var ans = answers[act.id];
      if (ans) a[act.index] = ans.cut ? [ans.r, ans.p, 1] : [ans.r, ans.p];
      if (state.slots[act.id] !== undefined) n[act.index] = state.slots[act.id];
    });
    var loc = -1;
    sections.forEach(function (s, i) { if (s.id === state.location) loc = i; });
    return JSON.stringify({ v: 1, s: seen, a: a, n: n, l: loc });
  }

  // Fit suspend_data into the version's limit: cut every free-text answer to one common length,
  // the longest that fits (points are kept beside the text), and never send more than the limit.
  function encodeState(limit) {
    var text = pack(state.answers);
    if (text.length <= limit) return text;
    function capped(cap) {
      var answers = {};
      Object.keys(state.answers).forEach(function (k) {
        var v = state.answers[k];
        var short = byId[k].type === "choice" ? v.r : cut(v.r, cap);
        answers[k] = { r: short, p: v.p, cut: v.cut || short.length < v.r.length };
      });
      return pack(answers);
    }
    var lo = 0;
    var hi = 0;
    Object.keys(state.answers).forEach(function (k) { hi = Math.max(hi, state.answers[k].r.length); });
    if (capped(0).length > limit) return JSON.stringify({ v: 1 }); // last resort: never exceed
    while (lo < hi) {
      var mid = Math.ceil((lo + hi) / 2);
      if (capped(mid).length <= limit) lo = mid;
      else hi = mid - 1;
    }
    return capped(lo);
  }

  function decodeState(text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!data || data.v !== 1) return;
    var seen = String(data.s || "");
    sections.forEach(function (s, i) { if (seen.charAt(i) === "1") state.seen[s.id] = true; });
    activities.forEach(function (act) {
      var ans = data.a && data.a[act.index];
      if (ans && typeof ans[0] === "string" && typeof ans[1] === "number") {
        if (act.type === "choice" && !act.choices.some(function (c) { return c.id === ans[0]; })) return;
        state.answers[act.id] = { r: ans[0], p: ans[1], cut: ans[2] === 1 };
      }
      var slot = data.n && data.n[act.index];
      if (typeof slot === "number") state.slots[act.id] = slot;
    });
    if (typeof data.l === "number" && sections[data.l]) state.location = sections[data.l].id;
  }

  /* ---------- scoring and status ---------- */

  function answered(act) {
    if (state.answers[act.id]) return true;
    // A judgment answered through its practice has no form of its own.
    return !act.recorded && activities.some(function (other) {
      return other.case === act.id && !!state.answers[other.id];
    });
  }

  function totals() {
    var earned = 0;
    var max = 0;
    activities.forEach(function (act) {
      if (!act.max) return;
      max += act.max;
      if (state.answers[act.id]) earned += state.answers[act.id].p;
    });
    return { earned: earned, max: max, percent: max ? Math.round((earned * 100) / max) : null };
  }

  function missing() {
    var unseen = sections.filter(function (s) { return !state.seen[s.id]; });
    var open = activities.filter(function (a) { return a.required && !answered(a); });
    return { sections: unseen, activities: open };
  }

  function complete() {
    var m = missing();
    return m.sections.length === 0 && m.activities.length === 0;
  }

  function masteryScore() {
    var fromLms = lms.get(E.mastery);
    if (fromLms !== "" && !isNaN(Number(fromLms))) return V12 ? Number(fromLms) : Number(fromLms) * 100;
    return config.mastery_score;
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function practicePoints(act, text) {
    if (text.trim().length < act.min_chars) return 0;
    var points = act.points;
    act.rubric.forEach(function (k) {
      var re = new RegExp("(^|[^\\p{L}\\p{N}])" + escapeRegExp(k.keyword) + "($|[^\\p{L}\\p{N}])", "iu");
      if (re.test(text)) points += k.points;
    });
    return points;
  }

  /* ---------- writing to the LMS ---------- */

  function slotFor(act) {
    var slot = state.slots[act.id];
    if (slot === undefined || slot >= slotCount) {
      // Indexes must be contiguous: a slot the LMS does not hold (a new attempt) is re-issued.
      slot = slotCount;
      slotCount += 1;
      state.slots[act.id] = slot;
    }
    return slot;
  }

  function result(act, ans) {
    if (act.type === "choice") {
      if (!act.correct.length) return "neutral";
      return act.correct.indexOf(ans.r) >= 0 ? "correct" : V12 ? "wrong" : "incorrect";
    }
    if (act.max) return ans.p >= act.passing ? "correct" : V12 ? "wrong" : "incorrect";
    return "neutral";
  }

  function letterOf(act, choiceId) {
    for (var i = 0; i < act.choices.length; i++) {
      if (act.choices[i].id === choiceId) return String.fromCharCode(97 + i);
    }
    return "";
  }

  function writeInteraction(act) {
    var ans = state.answers[act.id];
    if (!ans || !act.recorded || !lms.live) return;
    var n = slotFor(act);
    var p = "cmi.interactions." + n + ".";
    var first = !writtenThisSession[n];
    writtenThisSession[n] = true;
    if (V12) {
      if (first) {
        lms.set(p + "id", cut(act.id.replace(/[^A-Za-z0-9_-]/g, "_"), 255));
        lms.set(p + "type", act.type === "choice" ? "choice" : "fill-in");
        if (act.type === "choice") {
          act.correct.slice(0, 1).forEach(function (c, k) {
            lms.set(p + "correct_responses." + k + ".pattern", letterOf(act, c));
          });
        }
      }
      lms.set(p + "time", timeOfDay(new Date()));
      lms.set(p + "student_response", act.type === "choice" ? letterOf(act, ans.r) : oneLine(ans.r, LIMITS.response));
      lms.set(p + "result", result(act, ans));
    } else {
      if (first) {
        lms.set(p + "id", act.iri);
        lms.set(p + "type", act.type); // before the response, as 2004 requires
        lms.set(p + "description", oneLine(act.title, LIMITS.description));
        if (act.type === "choice") {
          act.correct.forEach(function (c, k) {
            lms.set(p + "correct_responses." + k + ".pattern", c);
          });
        }
      }
      lms.set(p + "timestamp", timestamp(new Date()));
      lms.set(p + "learner_response", act.type === "choice" ? ans.r : oneLine(ans.r, LIMITS.response));
      lms.set(p + "result", result(act, ans));
    }
  }

  function writeStatus(final) {
    var t = totals();
    var done = complete();
    var mastery = masteryScore();
    var anyScored = activities.some(function (a) { return a.max && state.answers[a.id]; });
    if (t.percent !== null && anyScored) {
      lms.set(E.raw, t.percent);
      lms.set(E.min, 0);
      lms.set(E.max, 100);
      if (!V12) lms.set("cmi.score.scaled", Math.max(-1, Math.min(1, t.percent / 100)));
    }
    var passed = null;
    if (done && t.percent !== null && mastery !== null && mastery !== undefined) passed = t.percent >= mastery;
    if (V12) {
      lms.set("cmi.core.lesson_status", !done ? "incomplete" : passed === null ? "completed" : passed ? "passed" : "failed");
    } else {
      lms.set("cmi.completion_status", done ? "completed" : "incomplete");
      lms.set("cmi.success_status", passed === null ? "unknown" : passed ? "passed" : "failed");
      lms.set("cmi.progress_measure", progressMeasure());
    }
    lms.set(E.location, cut(state.location, LIMITS.location));
    lms.set("cmi.suspend_data", encodeState(LIMITS.suspend_data));
    lms.set(E.sessionTime, duration(Date.now() - started));
    lms.set(E.exit, final && done ? (V12 ? "" : "normal") : "suspend");
  }

  function progressMeasure() {
    var units = sections.length + activities.filter(function (a) { return a.required; }).length;
    if (!units) return 1;
    var m = missing();
    var left = m.sections.length + m.activities.length;
    return Math.round(((units - left) / units) * 100) / 100;
  }

  function saveLocal() {
    try {
      window.localStorage.setItem(STORAGE_KEY, pack(state.answers));
    } catch (e) { /* storage off or full: the page still works */ }
  }

  function loadLocal() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) || "";
    } catch (e) {
      return "";
    }
  }

  // Record everything; commit when asked (answers, leaving the page, finishing).
  function save(commit, final) {
    if (lms.live) {
      if (lms.finished) return;
      writeStatus(final);
      if (commit) lms.commit();
    } else {
      saveLocal();
    }
  }

  /* ---------- the page ---------- */

  var progress = document.getElementById("progress");
  var timeLeft = document.getElementById("time-left");
  var checklist = document.getElementById("checklist");

  function minutesLeft() {
    var left = 0;
    sections.forEach(function (s) { if (!state.seen[s.id]) left += s.minutes; });
    activities.forEach(function (a) { if (a.kind === "exercise" && !answered(a)) left += a.minutes || 0; });
    return left;
  }

  function showProgress() {
    var left = minutesLeft();
    var total = config.total_minutes;
    progress.max = total || 1;
    progress.value = Math.max(0, total - left);
    var whole = Math.ceil(left - 0.01); // section shares are rounded to 0.001 min
    timeLeft.textContent = whole > 0 ? whole + " min left" : "All read";
    sections.forEach(function (s) {
      var link = document.querySelector('[data-toc="' + s.id + '"]');
      if (link) link.classList.toggle("seen", !!state.seen[s.id]);
    });
    activities.forEach(function (a) {
      var el = document.getElementById(a.id);
      if (el) el.classList.toggle("answered", !!state.answers[a.id]);
    });
    var m = missing();
    if (!m.sections.length && !m.activities.length) {
      checklist.textContent = "Everything is done. Press Finish to record your result.";
    } else {
      var parts = [];
      if (m.sections.length) parts.push(m.sections.length + " section" + (m.sections.length > 1 ? "s" : "") + " to read");
      if (m.activities.length) parts.push(m.activities.length + " scored activit" + (m.activities.length > 1 ? "ies" : "y") + " to answer");
      checklist.textContent = "Still to do: " + parts.join(", ") + ".";
    }
  }

  function markSeen(id) {
    if (state.seen[id]) return;
    state.seen[id] = true;
    state.location = id;
    showProgress();
    save(complete(), false);
  }

  function watchSections() {
    var ends = document.querySelectorAll("[data-section-end]");
    if (!("IntersectionObserver" in window)) {
      sections.forEach(function (s) { markSeen(s.id); });
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          markSeen(entry.target.getAttribute("data-section-end"));
          observer.unobserve(entry.target);
        }
      });
    });
    Array.prototype.forEach.call(ends, function (el) {
      if (!state.seen[el.getAttribute("data-section-end")]) observer.observe(el);
    });
    var heads = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) state.location = entry.target.getAttribute("data-section");
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-section]"), function (el) {
      heads.observe(el);
    });
  }

  function words(text) {
    var runs = text.split(/\s+/).filter(function (w) { return /[\p{L}\p{N}]/u.test(w); });
    return runs.length;
  }

  function recordAnswer(act, response, points, form, message) {
    state.answers[act.id] = { r: response, p: points, cut: false };
    writeInteraction(act);
    showProgress();
    save(true, false);
    var feedback = form.querySelector(".feedback");
    if (feedback && message !== null) feedback.textContent = message;
  }

  function setUpTextForm(form) {
    var act = byId[form.getAttribute("data-form")];
    var area = form.querySelector("textarea");
    var counter = form.querySelector(".counter");
    var button = form.querySelector("button[type=submit]");
    var min = Number(area.getAttribute("data-min-chars") || 0);
    var target = Number(area.getAttribute("data-word-target") || 0);
    function update() {
      var text = area.value;
      if (min) {
        var n = text.trim().length;
        counter.textContent = n + " chars (min " + min + ")";
        counter.classList.toggle("met", n >= min);
        button.disabled = n < min;
      } else {
        var w = words(text);
        counter.textContent = w + " word" + (w === 1 ? "" : "s") + (target ? " (target " + target + ")" : "");
        counter.classList.toggle("met", target > 0 && w >= target);
        button.disabled = text.trim().length === 0;
      }
    }
    area.addEventListener("input", update);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      var text = area.value.trim();
      if (act.kind === "practice") {
        var points = practicePoints(act, text);
        recordAnswer(act, text, points, form, "Submitted: " + points + " of " + act.max + " points.");
      } else {
        recordAnswer(act, text, 0, form, "Saved.");
      }
    });
    var saved = state.answers[act.id];
    if (saved) {
      area.value = saved.r;
      form.querySelector(".feedback").textContent = saved.cut
        ? "Your saved answer was shortened to fit the LMS's storage."
        : act.kind === "practice" ? "Submitted: " + saved.p + " of " + act.max + " points." : "Saved.";
    }
    update();
  }

  function setUpDecision(form) {
    var act = byId[form.getAttribute("data-form")];
    var button = form.querySelector("button[type=submit]");
    var radios = form.querySelectorAll("input[type=radio]");
    function chosen() {
      for (var i = 0; i < radios.length; i++) if (radios[i].checked) return radios[i].value;
      return "";
    }
    function showFeedback(choiceId) {
      Array.prototype.forEach.call(form.querySelectorAll(".choice-feedback"), function (el) {
        el.hidden = el.getAttribute("data-choice") !== choiceId;
      });
    }
    Array.prototype.forEach.call(radios, function (r) {
      r.addEventListener("change", function () { button.disabled = !chosen(); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = chosen();
      if (!id) return;
      var choice = act.choices.filter(function (c) { return c.id === id; })[0];
      recordAnswer(act, id, choice.score, form, null);
      showFeedback(id);
    });
    var saved = state.answers[act.id];
    if (saved) {
      Array.prototype.forEach.call(radios, function (r) { r.checked = r.value === saved.r; });
      showFeedback(saved.r);
    }
    button.disabled = !chosen();
  }

  function setUpTimer(box) {
    var total = Number(box.getAttribute("data-seconds"));
    var left = total;
    var display = box.querySelector(".timer-display");
    var toggle = box.querySelector(".timer-toggle");
    var tick = null;
    function show() {
      display.textContent = Math.floor(left / 60) + ":" + pad(left % 60, 2);
    }
    toggle.addEventListener("click", function () {
      if (tick) {
        clearInterval(tick);
        tick = null;
        toggle.textContent = left < total ? "Resume timer" : "Start timer";
        return;
      }
      if (left <= 0) left = total;
      toggle.textContent = "Pause timer";
      tick = setInterval(function () {
        left -= 1;
        show();
        if (left <= 0) {
          clearInterval(tick);
          tick = null;
          display.textContent = "Time's up";
          toggle.textContent = "Restart timer";
        }
      }, 1000);
    });
    show();
  }

  function openLinksOutside() {
    // Inside an LMS frame a link would replace the lesson; open other pages beside it.
    Array.prototype.forEach.call(document.querySelectorAll(".lesson a[href]"), function (a) {
      if (a.getAttribute("href").charAt(0) !== "#") {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
    });
  }

  function finish() {
    var status = document.getElementById("finish-status");
    var done = complete();
    var t = totals();
    if (lms.live && !lms.finished) {
      save(true, true);
      lms.finish();
    } else {
      save(false, true);
    }
    var mastery = masteryScore();
    var text = done ? "Lesson complete." : "Progress saved; you can come back to finish.";
    if (t.percent !== null && done) {
      text += " Score: " + t.percent + "%";
      if (mastery !== null && mastery !== undefined) text += t.percent >= mastery ? " (passed)." : " (mastery is " + mastery + "%).";
      else text += ".";
    }
    if (lms.live) {
      text += " You can close this window.";
      Array.prototype.forEach.call(document.querySelectorAll(".answer-form button, .answer-form textarea, .answer-form input, #finish"), function (el) {
        el.disabled = true;
      });
    }
    status.textContent = text;
  }

  function start() {
    var connection = document.getElementById("connection");
    if (lms.init()) {
      slotCount = parseInt(lms.get("cmi.interactions._count"), 10) || 0;
      decodeState(lms.get("cmi.suspend_data"));
      if (lms.get(V12 ? "cmi.core.lesson_status" : "cmi.completion_status") === "not attempted") {
        lms.set(V12 ? "cmi.core.lesson_status" : "cmi.completion_status", "incomplete");
      }
    } else {
      decodeState(loadLocal());
      connection.textContent = "Not connected to an LMS: your progress is kept in this browser.";
    }
    Array.prototype.forEach.call(document.querySelectorAll(".answer-form"), function (form) {
      if (form.getAttribute("data-kind") === "decision") setUpDecision(form);
      else setUpTextForm(form);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".timer"), setUpTimer);
    document.getElementById("finish").addEventListener("click", finish);
    openLinksOutside();
    showProgress();
    if (state.location && document.getElementById(state.location)) {
      document.getElementById(state.location).scrollIntoView();
    }
    watchSections();
    // Chrome drops synchronous requests during unload: commit as the page is hidden instead.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true, false);
    });
    window.addEventListener("pagehide", function () { save(true, false); });
    document.documentElement.setAttribute("data-player", lms.live ? "lms" : "local");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
