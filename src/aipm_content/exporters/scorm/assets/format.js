/* aipm-content player: shaping values to what an LMS field allows. No DOM, no LMS.
 *
 * Every player script is a classic script (a package opened from file:// cannot load ES
 * modules) that adds one member to the shared window.AIPM namespace.
 */
(function (AIPM) {
  "use strict";

  // At most n UTF-16 units (as LMSs and JavaScript count), never splitting a surrogate pair.
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

  function centiseconds(ms) {
    var cs = Math.max(0, Math.floor(ms / 10));
    return {
      h: Math.floor(cs / 360000),
      m: Math.floor((cs % 360000) / 6000),
      s: Math.floor((cs % 6000) / 100),
      frac: cs % 100,
    };
  }

  // SCORM 1.2 CMITimespan: HHHH:MM:SS.SS (at most 9999 hours).
  function timespan12(ms) {
    var t = centiseconds(ms);
    if (t.h > 9999) return "9999:59:59.99";
    return pad(t.h, 2) + ":" + pad(t.m, 2) + ":" + pad(t.s, 2) + "." + pad(t.frac, 2);
  }

  // SCORM 2004 timeinterval: PT#H#M#.##S (two decimals at most).
  function interval2004(ms) {
    var t = centiseconds(ms);
    return "PT" + t.h + "H" + t.m + "M" + t.s + "." + pad(t.frac, 2) + "S";
  }

  // SCORM 2004 time(second,10,0): fractional seconds, at most two digits.
  function timestamp2004(date) {
    return date.toISOString().slice(0, 22) + "Z";
  }

  // SCORM 1.2 CMITime: HH:MM:SS, local time.
  function timeOfDay(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  AIPM.format = {
    cut: cut,
    oneLine: oneLine,
    pad: pad,
    timespan12: timespan12,
    interval2004: interval2004,
    timestamp2004: timestamp2004,
    timeOfDay: timeOfDay,
  };
})((window.AIPM = window.AIPM || {}));
