/* aipm-content player: progress, answers and tracking, wired together. Loaded last.
 *
 * Works in four places: inside a SCORM 1.2 LMS (window.API), a SCORM 2004 LMS
 * (window.API_1484_11), launched by a cmi5 LMS (cmi5.js, through xAPI), or opened from disk with
 * no LMS (state kept in localStorage); see lms.js. Only the cmi5 adapter makes network requests,
 * to its LRS; everything the page shows is in the package.
 */
(function (AIPM) {
  "use strict";

  var S = AIPM.scoring;
  var course = JSON.parse(document.getElementById("aipm-config").textContent);
  var inCourse = course.kind === "course"; // else a lesson package: the course of one lesson
  var lesson = course.lessons[0]; // the lesson open now
  var stopWatching = function () {};
  var lms = null;
  var state = AIPM.state.empty();
  var started = Date.now();
  var copyKey = "";

  function ls() {
    return AIPM.state.lesson(state, lesson);
  }

  function masteryScore() {
    var fromLms = lms.masteryScore();
    return fromLms !== null ? fromLms : course.mastery_score;
  }

  // What the LMS should hold now, in the adapter's terms.
  function report(encoded, final) {
    var t = S.totals(course, state);
    var done = S.complete(course, state);
    return {
      percent: t.percent,
      earned: t.earned,
      max: t.max,
      anyScored: t.anyScored,
      done: done,
      passed: S.passed(done, t.percent, masteryScore()),
      progress: S.progressMeasure(course, state),
      location: !state.at ? "" : inCourse ? state.at.lesson + "/" + state.at.section : state.at.section,
      state: encoded.text,
      sessionMs: Date.now() - started,
      final: final,
      objective: course.sco ? course.sco.objective : null,
    };
  }

  // Free text the LMS cannot hold: say so, and keep the whole state in this browser.
  function keepCopy(encoded) {
    if (!lms.live || !encoded.lost.length) return;
    var whole = AIPM.state.encode(state, course, Infinity).text;
    var kept = AIPM.lms.storage(window).set(copyKey, whole);
    var n = encoded.lost.length;
    AIPM.view.showConnection(
      "The LMS cannot store all your writing: " + n + (n === 1 ? " answer is" : " answers are") +
      " shortened there" + (kept ? "; the full text stays in this browser." : ".")
    );
  }

  // Record everything; commit when asked (answers, leaving the page, finishing).
  function save(commit, final) {
    var encoded = AIPM.state.encode(state, course, lms.stateLimit);
    lms.recordProgress(report(encoded, final));
    keepCopy(encoded);
    if (commit) lms.commit();
  }

  function onSeen(sectionId) {
    var mine = ls();
    if (mine.seen[sectionId]) return;
    mine.seen[sectionId] = true;
    state.at = { lesson: lesson.id, section: sectionId };
    AIPM.view.showProgress(course, state, lesson);
    save(S.complete(course, state), false);
  }

  function onLocation(sectionId) {
    state.at = { lesson: lesson.id, section: sectionId };
  }

  function onAnswer(act, response) {
    var mine = ls();
    var ans = { r: response, p: S.pointsFor(act, response) };
    mine.answers[act.id] = ans;
    var slot = lms.recordAnswer(act, ans, S.outcome(act, ans), mine.slots[act.id]);
    if (slot !== undefined) mine.slots[act.id] = slot;
    AIPM.view.showProgress(course, state, lesson);
    save(true, false);
    return ans;
  }

  function lessonById(id) {
    for (var i = 0; i < course.lessons.length; i++) if (course.lessons[i].id === id) return course.lessons[i];
    return null;
  }

  // The open lesson's forms, timers, links and section watching.
  function setUpLesson() {
    var mine = ls();
    AIPM.view.setUpForms(lesson, mine, onAnswer);
    AIPM.view.setUpTimers();
    AIPM.view.openLinksOutside();
    AIPM.view.showProgress(course, state, lesson);
    stopWatching = AIPM.view.watchSections(mine, onSeen, onLocation);
  }

  // A course: open a lesson (from the menu, a next-lesson or lesson: link, or on resume) at a
  // section, or at its top.
  function open(lessonId, sectionId, resuming) {
    var next = lessonById(lessonId);
    if (!next) return;
    if (next !== lesson || resuming) {
      stopWatching();
      lesson = next;
      AIPM.view.mountLesson(lesson.id);
      setUpLesson();
      if (!resuming) AIPM.view.focusLesson();
    }
    var valid = next.sections.some(function (s) { return s.id === sectionId; });
    state.at = { lesson: lesson.id, section: valid ? sectionId : lesson.sections.length ? lesson.sections[0].id : "" };
    AIPM.view.scrollTo(valid ? sectionId : "");
  }

  // Another SCO opens once this one ends (nav.js): save, end the session, say so.
  function leave(text) {
    save(true, true);
    lms.finish();
    AIPM.view.showFinished(text, true);
  }

  function finish() {
    var done = S.complete(course, state);
    var t = S.totals(course, state);
    var live = lms.live;
    save(live, true);
    if (live) lms.finish();
    var mastery = masteryScore();
    var text = !done ? "Progress saved; you can come back to finish." : inCourse ? "Course complete." : "Lesson complete.";
    if (t.percent !== null && done) {
      text += " Score: " + t.percent + "%";
      if (mastery === null || mastery === undefined) text += ".";
      else text += t.percent >= mastery ? " (passed)." : " (mastery is " + mastery + "%).";
    }
    if (live) text += " You can close this window.";
    AIPM.view.showFinished(text, live);
  }

  function start() {
    if (course.version === "cmi5") AIPM.view.showConnection("Connecting to the LMS…");
    AIPM.lms.connect(window, course, begin);
  }

  function begin(adapter) {
    lms = adapter;
    state = AIPM.state.decode(lms.loadState(), course, course.max_text);
    if (lms.live) {
      copyKey = "aipm-player:" + course.id + ":" + lms.learner() + ":copy";
      var copy = AIPM.state.decode(AIPM.lms.storage(window).get(copyKey), course, course.max_text);
      AIPM.state.mergeTexts(state, copy);
      AIPM.view.showConnection(lms.notice || "");
    } else {
      AIPM.view.showConnection(lms.notice || "Not connected to an LMS: your progress is kept in this browser.");
    }
    lms.onNotice = AIPM.view.showConnection;
    AIPM.view.onFinish(finish);
    AIPM.nav.setUp(course, lms, leave);
    var at = state.at && lessonById(state.at.lesson);
    if (inCourse) {
      AIPM.view.onLessonLink(open);
      open(at ? at.id : lesson.id, state.at ? state.at.section : "", true);
    } else {
      setUpLesson();
      if (state.at) AIPM.view.scrollTo(state.at.section);
    }
    // Chrome drops synchronous requests during unload: commit as the page is hidden instead.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true, false);
    });
    window.addEventListener("pagehide", function () {
      save(true, false);
      if (lms.leave) lms.leave();
    });
    document.documentElement.setAttribute("data-player", lms.live ? "lms" : "local");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})((window.AIPM = window.AIPM || {}));
