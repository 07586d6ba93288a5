/* aipm-content player: points, results and what is left to do. No DOM, no LMS.
 *
 * A course is {lessons: [lesson]}; a lesson package is the course of one lesson. The learner's
 * state is {lessons: {lessonId: {seen: {sectionId: true}, answers: {activityId: answer},
 * slots: {activityId: interaction index}}}}; an answer is {r: response, p: points}, where r is
 * the choice id of a decision and the text otherwise.
 */
(function (AIPM) {
  "use strict";

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // As in H5P's Essay: the minimum length earns the points, each rubric keyword (a whole word
  // or phrase, any case) adds its own.
  function practicePoints(act, text) {
    if (text.trim().length < act.min_chars) return 0;
    var points = act.points;
    act.rubric.forEach(function (k) {
      var re = new RegExp("(^|[^\\p{L}\\p{N}])" + escapeRegExp(k.keyword) + "($|[^\\p{L}\\p{N}])", "iu");
      if (re.test(text)) points += k.points;
    });
    return points;
  }

  function isChoice(act) {
    return act.type === "choice" && act.choices.length > 0;
  }

  function choiceIndex(act, choiceId) {
    for (var i = 0; i < act.choices.length; i++) if (act.choices[i].id === choiceId) return i;
    return -1;
  }

  // The package's own points for a response: never a number the learner's state supplies.
  function pointsFor(act, response) {
    if (isChoice(act)) {
      var i = choiceIndex(act, response);
      return i < 0 ? 0 : act.choices[i].score;
    }
    if (act.kind === "practice") return practicePoints(act, response);
    return 0;
  }

  // Stored points whose text is gone (dropped to fit the LMS): a number from 0 to the max.
  function clampPoints(act, value) {
    if (typeof value !== "number" || !isFinite(value)) return 0;
    return Math.max(0, Math.min(act.max || 0, value));
  }

  function outcome(act, answer) {
    if (isChoice(act)) {
      if (!act.correct.length) return "neutral";
      return act.correct.indexOf(answer.r) >= 0 ? "correct" : "incorrect";
    }
    if (act.max) return answer.p >= act.passing ? "correct" : "incorrect";
    return "neutral";
  }

  function lessonState(state, lesson) {
    return state.lessons[lesson.id] || { seen: {}, answers: {}, slots: {} };
  }

  function answered(lesson, ls, act) {
    if (ls.answers[act.id]) return true;
    // A judgment answered through its practice has no form of its own.
    return !act.recorded && lesson.activities.some(function (other) {
      return other.case === act.id && !!ls.answers[other.id];
    });
  }

  function lessonMissing(lesson, ls) {
    return {
      sections: lesson.sections.filter(function (s) { return !ls.seen[s.id]; }),
      activities: lesson.activities.filter(function (a) { return a.required && !answered(lesson, ls, a); }),
    };
  }

  function missing(course, state) {
    var out = { sections: [], activities: [] };
    course.lessons.forEach(function (lesson) {
      var m = lessonMissing(lesson, lessonState(state, lesson));
      out.sections = out.sections.concat(m.sections);
      out.activities = out.activities.concat(m.activities);
    });
    return out;
  }

  function complete(course, state) {
    var m = missing(course, state);
    return m.sections.length === 0 && m.activities.length === 0;
  }

  function totals(course, state) {
    var earned = 0;
    var max = 0;
    var anyScored = false;
    course.lessons.forEach(function (lesson) {
      var ls = lessonState(state, lesson);
      lesson.activities.forEach(function (act) {
        if (!act.max) return;
        max += act.max;
        var ans = ls.answers[act.id];
        if (ans) {
          earned += clampPoints(act, ans.p);
          anyScored = true;
        }
      });
    });
    return {
      earned: earned,
      max: max,
      percent: max ? Math.round((earned * 100) / max) : null,
      anyScored: anyScored,
    };
  }

  // Passed (true), failed (false) or not decided (null): only a complete course is judged.
  function passed(done, percent, mastery) {
    if (!done || percent === null || mastery === null || mastery === undefined) return null;
    return percent >= mastery;
  }

  function progressMeasure(course, state) {
    var units = 0;
    course.lessons.forEach(function (lesson) {
      units += lesson.sections.length + lesson.activities.filter(function (a) { return a.required; }).length;
    });
    if (!units) return 1;
    var m = missing(course, state);
    var left = m.sections.length + m.activities.length;
    return Math.round(((units - left) / units) * 100) / 100;
  }

  function minutesLeft(lesson, ls) {
    var left = 0;
    lesson.sections.forEach(function (s) { if (!ls.seen[s.id]) left += s.minutes; });
    lesson.activities.forEach(function (a) {
      if (a.kind === "exercise" && !answered(lesson, ls, a)) left += a.minutes || 0;
    });
    return left;
  }

  AIPM.scoring = {
    practicePoints: practicePoints,
    isChoice: isChoice,
    choiceIndex: choiceIndex,
    pointsFor: pointsFor,
    clampPoints: clampPoints,
    outcome: outcome,
    lessonState: lessonState,
    answered: answered,
    lessonMissing: lessonMissing,
    missing: missing,
    complete: complete,
    totals: totals,
    passed: passed,
    progressMeasure: progressMeasure,
    minutesLeft: minutesLeft,
  };
})((window.AIPM = window.AIPM || {}));
