/* aipm-content player: finding the LMS, and the adapter every LMS (or none) hides behind.
 *
 * An adapter is what the rest of the player talks to, whatever the standard:
 *   name              "1.2", "2004", "cmi5", "none"
 *   live              true while an LMS session is open
 *   stateLimit        the longest saved state the LMS keeps, in UTF-16 units
 *   start()           open the session; false when there is no LMS (cmi5: start(done),
 *                     done("") once started, done(message) when the launch failed)
 *   notice            what the learner should know about the connection ("" when nothing)
 *   onNotice          set by the player: called with a new notice (an LRS that stopped)
 *   loadState()       the saved state text, "" when none
 *   learner()         an id for the learner ("" when unknown), to key the browser's copies
 *   masteryScore()    the LMS's passing percent, or null
 *   recordAnswer(act, answer, outcome, slot) -> the slot it used (SCORM interaction index)
 *   recordProgress(report)  score, status, location, state, session time (see player.js)
 *   commit(), finish()
 *   leave()           optional: the page is going away (cmi5 sends its last statements)
 */
(function (AIPM) {
  "use strict";

  // The LMS API as ADL's discovery algorithm finds it: up the frames, then up from the openers.
  function findApi(win, name) {
    var starts = [win];
    try {
      if (win.opener) starts.push(win.opener);
    } catch (e) { /* no access */ }
    try {
      if (win.top && win.top.opener) starts.push(win.top.opener);
    } catch (e) { /* no access */ }
    for (var i = 0; i < starts.length; i++) {
      var w = starts[i];
      for (var hops = 0; w && hops < 500; hops++) {
        try {
          if (w[name]) return w[name];
        } catch (e) { /* a frame from another origin: look further up */ }
        var parent = null;
        try {
          parent = w.parent;
        } catch (e) { /* no access */ }
        if (!parent || parent === w) break;
        w = parent;
      }
    }
    return null;
  }

  function storage(win) {
    return {
      get: function (key) {
        try {
          return win.localStorage.getItem(key) || "";
        } catch (e) {
          return "";
        }
      },
      set: function (key, value) {
        try {
          win.localStorage.setItem(key, value);
          return true;
        } catch (e) {
          return false; // storage off or full: the page still works
        }
      },
    };
  }

  // Opened from disk or previewed: state lives in the browser, nothing is reported.
  function offlineAdapter(win, key) {
    var store = storage(win);
    return {
      name: "none",
      live: false,
      stateLimit: Infinity,
      start: function () { return false; },
      loadState: function () { return store.get(key); },
      learner: function () { return ""; },
      masteryScore: function () { return null; },
      recordAnswer: function () { return undefined; },
      recordProgress: function (report) { store.set(key, report.state); },
      commit: function () { return true; },
      finish: function () { return true; },
    };
  }

  // Calls ready(adapter): the one for the package's version when that LMS is there, else the
  // offline one, whose `notice` says why when an LMS launch failed. A SCORM LMS answers at once;
  // a launched one (cmi5: started from its launch URL, over the network) when it has started.
  function connect(win, config, ready) {
    var key = "aipm-player:" + config.id;
    var make = AIPM.adapters && AIPM.adapters[config.version];
    var offline = function (notice) {
      var fallback = offlineAdapter(win, key);
      fallback.notice = notice || "";
      return fallback;
    };
    if (make && make.fromLaunch) {
      var launched = make(win, config); // null: no launch parameters, opened as a file
      if (!launched) return ready(offline());
      return launched.start(function (problem) { ready(problem ? offline(problem) : launched); });
    }
    if (make) {
      var api = findApi(win, make.apiName);
      if (api) {
        var adapter = make(api, config.limits);
        if (adapter.start()) return ready(adapter);
      }
    }
    return ready(offline());
  }

  AIPM.adapters = AIPM.adapters || {};
  AIPM.lms = { findApi: findApi, storage: storage, offlineAdapter: offlineAdapter, connect: connect };
})((window.AIPM = window.AIPM || {}));
