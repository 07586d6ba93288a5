/*
 * aipm-export preview: served only by the preview, injected into its pages, never exported.
 * Listens to the preview's event stream; when the source has changed it reloads the page and
 * puts the scroll position back, and while the source has problems it lays them over the
 * last good render. Everything it shows is set as text, never as markup.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-generation]");
  var generation = Number(script.getAttribute("data-generation"));
  var scrollKey = "aipm-preview-scroll:" + location.pathname;
  var panel = null;
  var bar = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = window.sessionStorage.getItem(scrollKey);
      window.sessionStorage.removeItem(scrollKey);
    } catch (e) { /* storage may be off: the page simply starts at the top */ }
    if (saved) {
      var xy = JSON.parse(saved);
      window.scrollTo(xy[0], xy[1]);
    }
  }

  function reload() {
    try {
      window.sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* reload without the position */ }
    // A renamed lesson leaves this address empty: go to the start page instead.
    fetch(location.pathname, { method: "HEAD", cache: "no-store" }).then(function (response) {
      if (response.ok) location.reload(); else location.assign("/");
    }, function () { location.reload(); });
  }

  function showBar(course) {
    var lesson = location.pathname.split("/")[1];
    if (bar || !lesson) return;
    bar = el("nav", "aipm-preview-bar");
    bar.setAttribute("aria-label", "Preview");
    var links = [["Player", "/" + lesson + "/"], ["Print view", "/" + lesson + "/print.html"],
      ["PDF", "/" + lesson + "/" + lesson + ".pdf"]];
    if (course) links.push(["Course", "/"]);
    links.forEach(function (pair) {
      var a = el("a", "", pair[0]);
      a.href = pair[1];
      bar.appendChild(a);
    });
    document.body.appendChild(bar);
  }

  function showDiagnostics(state) {
    if (panel) panel.remove();
    panel = null;
    if (!state.diagnostics.length) return;
    panel = el("aside", state.failed ? "aipm-preview-overlay" : "aipm-preview-warnings");
    panel.setAttribute("role", state.failed ? "alert" : "status");
    var box = el("div", "aipm-preview-box");
    box.appendChild(el("h2", "", state.failed
      ? "The source has problems: this is the last good version"
      : "Warnings"));
    var list = el("ol");
    state.diagnostics.forEach(function (d) {
      var item = el("li", "aipm-preview-" + d.severity);
      item.appendChild(el("span", "where", d.where));
      item.appendChild(el("span", "code", d.severity + "[" + d.code + "]"));
      item.appendChild(el("span", "message", d.message));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (!state.failed) {
      var hide = el("button", "", "Hide");
      hide.type = "button";
      hide.addEventListener("click", function () { panel.remove(); panel = null; });
      box.appendChild(hide);
    }
    panel.appendChild(box);
    document.body.appendChild(panel);
  }

  // The browser's own restoring would land after ours, and the player scrolls to the last
  // section read: the position saved here is the one to keep.
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  if (document.readyState === "complete") restoreScroll();
  else window.addEventListener("load", restoreScroll);

  var events = new EventSource("/_preview/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.generation !== generation) {
      events.close();
      reload();
      return;
    }
    showBar(state.course);
    showDiagnostics(state);
  };
}());
