/* aipm-content player: links between the lessons of a course packaged one SCO per lesson.
 *
 * A lesson: link is rendered as #sco/LESSON or #sco/LESSON/SECTION, and config.sco says how
 * this package may move to another SCO (per_lesson.py):
 *   "choice"  SCORM 2004: ask the LMS for {target=ITEM}choice, then end the session
 *   "flow"    SCORM 2004 --forward-only: only the next or previous lesson (continue/previous)
 *   "none"    SCORM 1.2: a SCO cannot ask; the learner is told to use the LMS's menu
 * Without an LMS the link simply opens that lesson's page in the unzipped package.
 */
(function (AIPM) {
  "use strict";

  function find(lessons, id) {
    for (var i = 0; i < lessons.length; i++) if (lessons[i].id === id) return i;
    return -1;
  }

  // The adl.nav.request that opens lesson `to` from lesson `from`, or "" when none may.
  function requestFor(sco, from, to) {
    var target = sco.lessons[to];
    if (sco.nav === "choice") return "{target=" + target.item + "}choice";
    if (sco.nav === "flow" && to === from + 1) return "continue";
    if (sco.nav === "flow" && to === from - 1) return "previous";
    return "";
  }

  // `leave(text)` saves, ends the session and shows `text`; returns whether the LMS took it.
  function setUp(config, lms, leave) {
    var sco = config.sco;
    if (!sco) return;
    var here = find(sco.lessons, config.id);
    document.addEventListener("click", function (event) {
      var a = event.target.closest && event.target.closest('a[href^="#sco/"]');
      if (!a) return;
      event.preventDefault();
      var parts = a.getAttribute("href").slice(5).split("/");
      var to = find(sco.lessons, parts[0]);
      if (to < 0) return;
      var target = sco.lessons[to];
      if (!lms.live) {
        window.location.href = "../" + target.id + "/index.html" + (parts[1] ? "#" + parts[1] : "");
        return;
      }
      var request = requestFor(sco, here, to);
      if (request && lms.navigate && lms.navigate(request, target.item)) {
        leave("Opening \u201c" + target.title + "\u201d\u2026");
        return;
      }
      AIPM.view.showConnection("Open \u201c" + target.title + "\u201d from the LMS\u2019s course menu.");
    });
  }

  AIPM.nav = { setUp: setUp, requestFor: requestFor };
})((window.AIPM = window.AIPM || {}));
