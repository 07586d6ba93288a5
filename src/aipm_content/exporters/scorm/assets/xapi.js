/* aipm-content player: a small xAPI client for the cmi5 adapter (cmi5.js). No DOM.
 *
 * Our own, on purpose: the package may carry no third-party code, and the player needs only a
 * few calls (statements, activity state, agent profile) with Basic auth, in order, once each.
 * Every request goes through one queue, so statements reach the LRS in the order they were made
 * and a failure stops everything after it: nothing is ever sent twice.
 */
(function (AIPM) {
  "use strict";

  var VERSION = "1.0.3";

  function hex(n) {
    return (n < 16 ? "0" : "") + n.toString(16);
  }

  // A version 4 UUID (xAPI statement ids); crypto.getRandomValues works on file:// and http.
  function uuid(win) {
    var b = new Uint8Array(16);
    win.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var s = "";
    for (var i = 0; i < 16; i++) s += hex(b[i]) + (i === 3 || i === 5 || i === 7 || i === 9 ? "-" : "");
    return s;
  }

  function query(params) {
    return Object.keys(params)
      .filter(function (k) { return params[k] !== undefined; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); })
      .join("&");
  }

  // What went wrong, for the learner: the LRS's status, or that it could not be reached.
  function failure(status, what) {
    var e = new Error(what + (status ? " (HTTP " + status + ")" : " (no answer)"));
    e.status = status;
    return e;
  }

  // A client for one endpoint and token. request() resolves to {status, body} for the
  // statuses `ok` allows and rejects otherwise (a network error rejects too). Requests with a
  // small body are kept alive, so one in flight as the page closes still arrives (browsers allow
  // 64 KB of those at a time).
  function client(win, endpoint, token) {
    var base = endpoint.charAt(endpoint.length - 1) === "/" ? endpoint : endpoint + "/";
    function request(method, resource, params, body, ok) {
      var headers = { Authorization: "Basic " + token, "X-Experience-API-Version": VERSION };
      var init = { method: method, headers: headers, credentials: "omit", cache: "no-store" };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body); // compact: some LRS proxies forward the length as sent
        init.keepalive = init.body.length < 16000;
      }
      var url = base + resource + (params ? "?" + query(params) : "");
      return win.fetch(url, init).then(
        function (response) {
          if ((ok || [200, 204]).indexOf(response.status) < 0) throw failure(response.status, method + " " + resource);
          if (response.status !== 200) return { status: response.status, body: null };
          return response.text().then(function (text) {
            var parsed = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch (e) {
              parsed = null;
            }
            return { status: response.status, body: parsed };
          });
        },
        function () { throw failure(0, method + " " + resource); }
      );
    }
    return { request: request };
  }

  // The one-time token: a single POST to the LMS's fetch URL (cmi5 8.2), never retried.
  function fetchToken(win, url) {
    return win.fetch(url, { method: "POST", credentials: "omit", cache: "no-store" }).then(
      function (response) {
        if (response.status !== 200) throw failure(response.status, "the LMS's token request");
        return response.json().then(
          function (body) {
            if (body && typeof body["auth-token"] === "string" && body["auth-token"]) return body["auth-token"];
            var e = failure(200, "the LMS's token request");
            e.code = body && body["error-code"] !== undefined ? String(body["error-code"]) : "";
            throw e;
          },
          function () { throw failure(200, "the LMS's token request"); }
        );
      },
      function () { throw failure(0, "the LMS's token request"); }
    );
  }

  // Runs jobs (functions returning promises) one at a time, in order; after a failure, none.
  function queue(onFailure) {
    var jobs = [];
    var running = false;
    var stopped = false;
    var held = false;
    var idle = [];
    function next() {
      if (running || held) return;
      if (stopped || !jobs.length) {
        var waiting = idle;
        idle = [];
        waiting.forEach(function (fn) { fn(!stopped); });
        return;
      }
      running = true;
      var job = jobs.shift();
      job.run().then(
        function () { running = false; next(); },
        function (e) {
          running = false;
          stopped = true;
          jobs = [];
          onFailure(e);
          next();
        }
      );
    }
    return {
      // A job with a key replaces a queued job with the same key (only the newest is sent).
      // `data` is what the job sends, kept for take().
      add: function (run, key, data) {
        if (stopped) return false;
        for (var i = 0; key && i < jobs.length; i++) {
          if (jobs[i].key === key) {
            jobs[i].run = run;
            jobs[i].data = data;
            return true;
          }
        }
        jobs.push({ run: run, key: key, data: data });
        next();
        return true;
      },
      // Jobs not started yet, taken out (for one last request as the page goes away).
      take: function () {
        var out = jobs;
        jobs = [];
        return out;
      },
      busy: function () { return running; },
      // Start nothing more: what is queued from now on waits for take().
      hold: function () { held = true; },
      stopped: function () { return stopped; },
      whenIdle: function (fn) {
        idle.push(fn);
        next();
      },
    };
  }

  AIPM.xapi = { uuid: uuid, query: query, client: client, fetchToken: fetchToken, queue: queue };
})((window.AIPM = window.AIPM || {}));
