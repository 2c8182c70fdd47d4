// Tells the customer, before it happens, that their login on the preferences page is about to end, and when
// it has ended. The page states the time without script; this only adds the warning. No choice is lost
// either way: a save after the end keeps the choices until the customer logs in again.
(function () {
  "use strict";
  var note = document.getElementById("session-note");
  var warning = document.getElementById("session-warning");
  if (!note || !warning) return;
  var ends = Date.parse(note.getAttribute("data-session-ends"));
  if (isNaN(ends)) return;
  var WARN_BEFORE = 5 * 60 * 1000;
  function show(text) {
    warning.textContent = text;
    warning.hidden = false;
  }
  function check() {
    var left = ends - Date.now();
    if (left <= 0) {
      show(warning.getAttribute("data-ended"));
      return;
    }
    if (left <= WARN_BEFORE && warning.hidden) show(warning.getAttribute("data-soon"));
    window.setTimeout(check, Math.min(left, 30 * 1000));
  }
  check();
})();
