// twindesk agent UI: small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  // The reply box turns yellow for an internal note, and the button says what it
  // will do, so a public reply is never sent by mistake.
  function syncReply() {
    var body = document.getElementById("body");
    var internal = document.getElementById("vis-internal");
    var submit = document.getElementById("submit");
    if (!body || !internal) return;
    body.classList.toggle("internal", internal.checked);
    if (submit) submit.textContent = internal.checked ? "Submit as internal note" : "Submit as public reply";
  }

  document.addEventListener("change", function (e) {
    if (e.target && e.target.name === "visibility") syncReply();
  });

  // "/" focuses the search box, as in most helpdesks, unless typing in a field.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var q = document.getElementById("q");
    if (q) { e.preventDefault(); q.focus(); }
  });

  document.addEventListener("DOMContentLoaded", syncReply);
})();
