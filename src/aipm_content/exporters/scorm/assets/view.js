/* aipm-content player: the page. Reads the learner's state, never writes it: every change goes
 * through the handlers player.js passes in (onSeen, onLocation, onAnswer).
 */
(function (AIPM) {
  "use strict";

  var S = AIPM.scoring;
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function byId(id) {
    return document.getElementById(id);
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // The bar (minutes left over the whole course), the open lesson's marks, the checklist, and
  // in a course the menu's state of every lesson.
  function showProgress(course, state, lesson) {
    var ls = S.lessonState(state, lesson);
    var left = 0;
    var total = 0;
    course.lessons.forEach(function (l) {
      left += S.minutesLeft(l, S.lessonState(state, l));
      total += l.total_minutes;
    });
    var progress = byId("progress");
    progress.max = total || 1;
    progress.value = Math.max(0, total - left);
    var whole = Math.ceil(left - 0.01); // section shares are rounded to 0.001 min
    byId("time-left").textContent = whole > 0 ? whole + " min left" : "All read";
    lesson.sections.forEach(function (s) {
      var link = document.querySelector('[data-toc="' + s.id + '"]');
      if (link) link.classList.toggle("seen", !!ls.seen[s.id]);
    });
    lesson.activities.forEach(function (a) {
      var el = byId(a.id);
      if (el) el.classList.toggle("answered", !!ls.answers[a.id]);
    });
    course.lessons.forEach(function (l) { showLessonState(l, S.lessonState(state, l)); });
    var m = S.missing(course, state);
    var checklist = byId("checklist");
    if (!m.sections.length && !m.activities.length) {
      checklist.textContent = "Everything is done. Press Finish to record your result.";
      return;
    }
    var parts = [];
    if (m.sections.length) parts.push(plural(m.sections.length, "section", "sections") + " to read");
    if (m.activities.length) {
      parts.push(plural(m.activities.length, "scored activity", "scored activities") + " to answer");
    }
    checklist.textContent = "Still to do: " + parts.join(", ") + ".";
  }

  function showLessonState(lesson, ls) {
    var el = document.querySelector('[data-lesson-state="' + lesson.id + '"]');
    if (!el) return;
    var started = Object.keys(ls.seen).length + Object.keys(ls.answers).length > 0;
    var m = S.lessonMissing(lesson, ls);
    var done = !m.sections.length && !m.activities.length;
    var only = { lessons: {} };
    only.lessons[lesson.id] = ls;
    var t = S.totals({ lessons: [lesson] }, only);
    var text = done ? "Done" : started ? "In progress" : "Not started";
    if (t.max && started) text += ", " + t.earned + " of " + t.max + " points";
    el.textContent = text;
    el.setAttribute("data-status", done ? "done" : started ? "started" : "new");
  }

  // A course: put a lesson's markup (a <template>) in the page; false in a lesson package.
  function mountLesson(lessonId) {
    var slot = byId("lesson-slot");
    var template = document.querySelector('template[data-lesson="' + lessonId + '"]');
    if (!slot || !template) return false;
    slot.textContent = "";
    slot.appendChild(template.content.cloneNode(true));
    each(document.querySelectorAll("[data-menu]"), function (a) {
      if (a.getAttribute("data-menu") === lessonId) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    return true;
  }

  // Links to "#lesson/ID" or "#lesson/ID/SECTION" (the menu, next lesson, lesson: links) open a
  // lesson in the page.
  function onLessonLink(handler) {
    document.addEventListener("click", function (event) {
      var a = event.target.closest && event.target.closest('a[href^="#lesson/"]');
      if (!a) return;
      event.preventDefault();
      var parts = a.getAttribute("href").split("/");
      handler(parts[1], parts[2] || "");
    });
  }

  function focusLesson() {
    var main = byId("lesson");
    if (main) main.focus({ preventScroll: true });
  }

  // A section is seen when its end scrolls into view; the location is the last heading seen.
  function watchSections(ls, onSeen, onLocation) {
    var ends = document.querySelectorAll("[data-section-end]");
    if (!("IntersectionObserver" in window)) {
      each(ends, function (el) { onSeen(el.getAttribute("data-section-end")); });
      return function () {};
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        onSeen(entry.target.getAttribute("data-section-end"));
        observer.unobserve(entry.target);
      });
    });
    each(ends, function (el) {
      if (!ls.seen[el.getAttribute("data-section-end")]) observer.observe(el);
    });
    var heads = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) onLocation(entry.target.getAttribute("data-section"));
      });
    });
    each(document.querySelectorAll("[data-section]"), function (el) { heads.observe(el); });
    return function () {
      observer.disconnect();
      heads.disconnect();
    };
  }

  function words(text) {
    return text.split(/\s+/).filter(function (w) { return /[\p{L}\p{N}]/u.test(w); }).length;
  }

  function textFeedback(act, ans) {
    if (ans.dropped) return "Your answer did not fit the LMS's storage; only its result was kept.";
    if (ans.cut) return "Your saved answer was shortened to fit the LMS's storage.";
    return act.kind === "practice" ? "Submitted: " + ans.p + " of " + act.max + " points." : "Saved.";
  }

  function setUpTextForm(form, act, ls, onAnswer) {
    var area = form.querySelector("textarea");
    var counter = form.querySelector(".counter");
    var button = form.querySelector("button[type=submit]");
    var feedback = form.querySelector(".feedback");
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
        counter.textContent = plural(w, "word", "words") + (target ? " (target " + target + ")" : "");
        counter.classList.toggle("met", target > 0 && w >= target);
        button.disabled = text.trim().length === 0;
      }
    }
    area.addEventListener("input", update);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      var ans = onAnswer(act, area.value.trim());
      feedback.textContent = textFeedback(act, ans);
    });
    var saved = ls.answers[act.id];
    if (saved) {
      area.value = saved.r;
      feedback.textContent = textFeedback(act, saved);
    }
    update();
  }

  function setUpDecision(form, act, ls, onAnswer) {
    var button = form.querySelector("button[type=submit]");
    var radios = form.querySelectorAll("input[type=radio]");
    function chosen() {
      for (var i = 0; i < radios.length; i++) if (radios[i].checked) return radios[i].value;
      return "";
    }
    function showFeedback(choiceId) {
      each(form.querySelectorAll(".choice-feedback"), function (el) {
        el.hidden = el.getAttribute("data-choice") !== choiceId;
      });
    }
    each(radios, function (r) {
      r.addEventListener("change", function () { button.disabled = !chosen(); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = chosen();
      if (!id || S.choiceIndex(act, id) < 0) return;
      onAnswer(act, id);
      showFeedback(id);
    });
    var saved = ls.answers[act.id];
    if (saved) {
      each(radios, function (r) { r.checked = r.value === saved.r; });
      showFeedback(saved.r);
    }
    button.disabled = !chosen();
  }

  function setUpForms(lesson, ls, onAnswer) {
    var acts = {};
    lesson.activities.forEach(function (a) { acts[a.id] = a; });
    each(document.querySelectorAll(".answer-form"), function (form) {
      var act = acts[form.getAttribute("data-form")];
      if (!act) return;
      if (form.getAttribute("data-kind") === "decision") setUpDecision(form, act, ls, onAnswer);
      else setUpTextForm(form, act, ls, onAnswer);
    });
  }

  function setUpTimer(box) {
    var total = Number(box.getAttribute("data-seconds"));
    var left = total;
    var display = box.querySelector(".timer-display");
    var toggle = box.querySelector(".timer-toggle");
    var tick = null;
    function show() {
      display.textContent = Math.floor(left / 60) + ":" + AIPM.format.pad(left % 60, 2);
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
        if (left > 0) return;
        clearInterval(tick);
        tick = null;
        display.textContent = "Time's up";
        toggle.textContent = "Restart timer";
      }, 1000);
    });
    show();
  }

  function setUpTimers() {
    each(document.querySelectorAll(".timer"), setUpTimer);
  }

  // Inside an LMS frame a link would replace the lesson; open other pages beside it.
  function openLinksOutside() {
    each(document.querySelectorAll(".lesson a[href]"), function (a) {
      if (a.getAttribute("href").charAt(0) === "#") return;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    });
  }

  function scrollTo(sectionId) {
    var el = sectionId && byId(sectionId);
    if (el) el.scrollIntoView();
    else window.scrollTo(0, 0);
  }

  function showConnection(text) {
    byId("connection").textContent = text;
  }

  function onFinish(handler) {
    byId("finish").addEventListener("click", handler);
  }

  function showFinished(text, closed) {
    if (closed) {
      var inputs = ".answer-form button, .answer-form textarea, .answer-form input, #finish";
      each(document.querySelectorAll(inputs), function (el) { el.disabled = true; });
    }
    byId("finish-status").textContent = text;
  }

  AIPM.view = {
    showProgress: showProgress,
    mountLesson: mountLesson,
    onLessonLink: onLessonLink,
    focusLesson: focusLesson,
    watchSections: watchSections,
    setUpForms: setUpForms,
    setUpTimers: setUpTimers,
    openLinksOutside: openLinksOutside,
    scrollTo: scrollTo,
    showConnection: showConnection,
    onFinish: onFinish,
    showFinished: showFinished,
  };
})((window.AIPM = window.AIPM || {}));
