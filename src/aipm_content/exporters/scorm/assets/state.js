/* aipm-content player: the learner's state <-> suspend_data, for a course of one or more lessons.
 *
 * Format 2 is compact JSON by position, so ids never cost characters:
 *   {"v":2,
 *    "at":[lesson, section],                 where the learner is
 *    "L":[record per lesson, by position],   0 for a lesson not started, else
 *         ["1101", {"activity": [value, slot]}]
 *                                            sections seen ("1" = seen), and per answered
 *                                            activity: the choice's index for a decision, the
 *                                            points otherwise; slot = interaction index
 *    "T":{"lesson.activity": "text"},        free-text answers, kept apart so they can go
 *    "C":["lesson.activity"]}                texts shortened to fit
 * Structure (sections, choices, points, where) always fits; when the whole does not fit the
 * version's limit, free texts are shortened to one common length, down to dropped. Nothing read
 * back is trusted: every index is checked against the package, points come from the package's
 * scoring (a dropped text keeps its stored points, clamped to the activity's maximum).
 * Format 1 (lesson packages before courses) is still read.
 */
(function (AIPM) {
  "use strict";

  var S = AIPM.scoring;
  var cut = AIPM.format.cut;
  var MAX_SLOT = 99999; // far above any package's interactions; the LMS's _count bounds reuse
  var INDEX = /^(0|[1-9][0-9]{0,5})$/;

  function empty() {
    return { at: null, lessons: {} };
  }

  function lessonOf(state, lesson) {
    if (!state.lessons[lesson.id]) state.lessons[lesson.id] = { seen: {}, answers: {}, slots: {} };
    return state.lessons[lesson.id];
  }

  /* ---------- encoding ---------- */

  function positionOf(state, course) {
    if (!state.at) return null;
    for (var li = 0; li < course.lessons.length; li++) {
      var lesson = course.lessons[li];
      if (lesson.id !== state.at.lesson) continue;
      for (var si = 0; si < lesson.sections.length; si++) {
        if (lesson.sections[si].id === state.at.section) return [li, si];
      }
      return [li, -1];
    }
    return null;
  }

  // cap: the most UTF-16 units each free text keeps (null: all of it, 0: none).
  function wire(state, course, cap) {
    var out = { v: 2 };
    var at = positionOf(state, course);
    if (at) out.at = at;
    var records = [];
    var texts = {};
    var shortened = [];
    var lost = [];
    course.lessons.forEach(function (lesson, li) {
      var ls = state.lessons[lesson.id];
      if (!ls) return records.push(0);
      var seen = lesson.sections.map(function (s) { return ls.seen[s.id] ? "1" : "0"; }).join("");
      var answers = {};
      lesson.activities.forEach(function (act, ai) {
        var ans = ls.answers[act.id];
        if (!ans) return;
        var key = li + "." + ai;
        var entry = [S.isChoice(act) ? S.choiceIndex(act, ans.r) : ans.p];
        if (ls.slots[act.id] !== undefined) entry.push(ls.slots[act.id]);
        answers[ai] = entry;
        if (S.isChoice(act) || ans.dropped) return;
        var text = cap === null ? ans.r : cut(ans.r, cap);
        if (text.length < ans.r.length) lost.push({ lesson: lesson.id, activity: act.id, dropped: !text });
        if (!text) return;
        texts[key] = text;
        if (ans.cut || text.length < ans.r.length) shortened.push(key);
      });
      records.push([seen.replace(/0+$/, ""), answers]);
    });
    while (records.length && records[records.length - 1] === 0) records.pop();
    out.L = records;
    if (Object.keys(texts).length) out.T = texts;
    if (shortened.length) out.C = shortened;
    return { text: JSON.stringify(out), lost: lost };
  }

  function longestText(state) {
    var n = 0;
    Object.keys(state.lessons).forEach(function (id) {
      var answers = state.lessons[id].answers;
      Object.keys(answers).forEach(function (k) { n = Math.max(n, answers[k].r.length); });
    });
    return n;
  }

  // The state as text of at most `limit` UTF-16 units, and the answers it could not keep whole
  // ({lesson, activity, dropped}); `overflow` when even the structure did not fit.
  function encode(state, course, limit) {
    var whole = wire(state, course, null);
    if (whole.text.length <= limit) return { text: whole.text, lost: [], overflow: false };
    var bare = wire(state, course, 0);
    if (bare.text.length > limit) return { text: '{"v":2}', lost: bare.lost, overflow: true };
    var lo = 0;
    var hi = longestText(state);
    while (lo < hi) {
      var mid = Math.ceil((lo + hi) / 2);
      if (wire(state, course, mid).text.length <= limit) lo = mid;
      else hi = mid - 1;
    }
    var best = wire(state, course, lo);
    return { text: best.text, lost: best.lost, overflow: false };
  }

  /* ---------- decoding: check everything against the package ---------- */

  function isObject(x) {
    return !!x && typeof x === "object" && !Array.isArray(x);
  }

  function isIndex(x, length) {
    return typeof x === "number" && x % 1 === 0 && x >= 0 && x < length;
  }

  function entries(obj, length) {
    if (!isObject(obj)) return [];
    return Object.keys(obj)
      .filter(function (k) { return INDEX.test(k) && Number(k) < length; })
      .map(function (k) { return [Number(k), obj[k]]; });
  }

  // One restored answer, or null. value: the choice's index or the stored points; text: the
  // free text when kept (shortened: it was cut to fit).
  function answerFor(act, value, text, shortened, maxText) {
    if (S.isChoice(act)) {
      if (!isIndex(value, act.choices.length)) return null;
      var id = act.choices[value].id;
      return { r: id, p: S.pointsFor(act, id) };
    }
    if (typeof text === "string" && text) {
      text = cut(text, maxText);
      return shortened
        ? { r: text, p: S.clampPoints(act, value), cut: true }
        : { r: text, p: S.pointsFor(act, text) };
    }
    return { r: "", p: S.clampPoints(act, value), dropped: true };
  }

  function restoreSlot(ls, act, slot, used) {
    if (!isIndex(slot, MAX_SLOT + 1) || used[slot]) return;
    used[slot] = true;
    ls.slots[act.id] = slot;
  }

  function decode2(data, course, maxText) {
    var state = empty();
    var texts = isObject(data.T) ? data.T : {};
    var shortened = Array.isArray(data.C) ? data.C : [];
    var used = {};
    var records = Array.isArray(data.L) ? data.L : [];
    course.lessons.forEach(function (lesson, li) {
      var rec = records[li];
      if (!Array.isArray(rec) || typeof rec[0] !== "string") return;
      var ls = lessonOf(state, lesson);
      lesson.sections.forEach(function (s, si) { if (rec[0].charAt(si) === "1") ls.seen[s.id] = true; });
      entries(rec[1], lesson.activities.length).forEach(function (pair) {
        var act = lesson.activities[pair[0]];
        var entry = pair[1];
        if (!Array.isArray(entry)) return;
        var key = li + "." + pair[0];
        var ans = answerFor(act, entry[0], texts[key], shortened.indexOf(key) >= 0, maxText);
        if (!ans) return;
        ls.answers[act.id] = ans;
        restoreSlot(ls, act, entry[1], used);
      });
    });
    var at = data.at;
    if (Array.isArray(at) && isIndex(at[0], course.lessons.length)) {
      var lesson = course.lessons[at[0]];
      var section = isIndex(at[1], lesson.sections.length) ? lesson.sections[at[1]].id : "";
      state.at = { lesson: lesson.id, section: section };
    }
    return state;
  }

  // Format 1: one lesson; answers {position: [response, points, shortened?]}, slots
  // {position: index}, location: a section's position.
  function decode1(data, course, maxText) {
    var state = empty();
    var lesson = course.lessons[0];
    var ls = lessonOf(state, lesson);
    var seen = typeof data.s === "string" ? data.s : "";
    lesson.sections.forEach(function (s, si) { if (seen.charAt(si) === "1") ls.seen[s.id] = true; });
    var used = {};
    var slots = isObject(data.n) ? data.n : {};
    entries(data.a, lesson.activities.length).forEach(function (pair) {
      var act = lesson.activities[pair[0]];
      var old = pair[1];
      if (!Array.isArray(old) || typeof old[0] !== "string") return;
      var ans = S.isChoice(act)
        ? answerFor(act, S.choiceIndex(act, old[0]), null, false, maxText)
        : answerFor(act, old[1], old[0], old[2] === 1, maxText);
      if (!ans) return;
      ls.answers[act.id] = ans;
      restoreSlot(ls, act, slots[pair[0]], used);
    });
    if (isIndex(data.l, lesson.sections.length)) {
      state.at = { lesson: lesson.id, section: lesson.sections[data.l].id };
    }
    return state;
  }

  // A validated state from saved text; anything unreadable gives the empty state.
  function decode(text, course, maxText) {
    var data = null;
    try {
      data = JSON.parse(String(text || ""));
    } catch (e) {
      data = null;
    }
    if (!isObject(data) || !course.lessons.length) return empty();
    if (data.v === 2) return decode2(data, course, maxText);
    if (data.v === 1) return decode1(data, course, maxText);
    return empty();
  }

  // Texts the LMS could not keep, taken back from the browser's full copy when it holds the
  // same answer (the same choice of points, and a text that begins like the shortened one).
  function mergeTexts(state, copy) {
    Object.keys(state.lessons).forEach(function (lessonId) {
      var answers = state.lessons[lessonId].answers;
      var other = copy.lessons[lessonId] ? copy.lessons[lessonId].answers : {};
      Object.keys(answers).forEach(function (actId) {
        var mine = answers[actId];
        var full = other[actId];
        if (!(mine.cut || mine.dropped) || !full || full.cut || full.dropped) return;
        if (full.r.indexOf(mine.r) !== 0 || full.r.length <= mine.r.length) return;
        answers[actId] = { r: full.r, p: full.p };
      });
    });
    return state;
  }

  AIPM.state = {
    empty: empty,
    lesson: lessonOf,
    encode: encode,
    decode: decode,
    mergeTexts: mergeTexts,
  };
})((window.AIPM = window.AIPM || {}));
