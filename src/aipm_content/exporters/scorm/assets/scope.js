/* aipm-content player: narrow the page's sources to the package's own folder.
 *
 * The page's policy allows images, stylesheets and scripts from 'self', which inside an LMS is
 * the LMS's whole origin (a stylesheet could name /admin/delete-course?id=42 and the browser
 * would send the learner's cookies). Loaded first, before the stylesheet, this adds a second policy naming
 * the folder the page was served from (or the package root its data-root names); browsers
 * enforce every policy a page has. Opened from disk, or at an address a policy cannot name, the
 * first policy stays the only one.
 */
(function () {
  "use strict";
  var here = window.location;
  if (!/^https?:$/.test(here.protocol) || !/^[A-Za-z0-9.-]+$/.test(here.hostname)) return;
  // A page below the package's root (one SCO per lesson: lessons/ID/index.html) names the root.
  var root = document.currentScript && document.currentScript.getAttribute("data-root");
  var path = root ? new URL(root, here.href).pathname : here.pathname;
  // A source path may not hold ";", "," or quotes; percent-escaped, it names the same folder.
  var folder = path.replace(/[^/]*$/, "").replace(/[;,'"\s]/g, function (c) {
    return "%" + ("0" + c.charCodeAt(0).toString(16).toUpperCase()).slice(-2);
  });
  var meta = document.createElement("meta");
  meta.httpEquiv = "Content-Security-Policy";
  var source = here.origin + folder;
  meta.content = ["img-src", "style-src", "script-src"].map(function (directive) {
    return directive + " " + source;
  }).join("; ");
  document.head.appendChild(meta);
})();
