// Collision warning and presence: while an agent has a ticket open, the page asks every 15 s
// (and whenever the tab comes back into view) when the ticket last changed. If
// someone else changed it since the page was loaded, a banner says so before the
// agent submits over it. The typed reply is kept in this tab (app.js), so
// reloading to see the change loses nothing typed; a submit made anyway is
// refused by the server's updated_stamp check and shows the change with the text.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  if (!form || !form.getAttribute("data-updated") || !window.fetch) return;
  var stamp = form.elements.updated_stamp ? form.elements.updated_stamp.value : "";
  var warned = false;
  function seconds(s) { return Math.floor(Date.parse(s) / 1000); }
  function warn(at) {
    warned = true;
    var box = document.createElement("div");
    box.className = "banner failed";
    box.id = "collision-warning";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = "Someone else updated this ticket (" + at + ") since you opened it. Your typed text is kept: ";
    var a = document.createElement("a");
    a.href = location.pathname;
    a.id = "collision-reload";
    a.textContent = "reload to see the change";
    p.appendChild(a);
    p.appendChild(document.createTextNode(" before you submit."));
    box.appendChild(p);
    form.parentNode.insertBefore(box, form);
  }
  // "Also viewing": the same poll names the other agents with this ticket
  // open (presence.go); the line disappears when they leave.
  function showViewing(names) {
    var line = document.getElementById("also-viewing");
    if (!line) {
      line = document.createElement("p");
      line.id = "also-viewing";
      line.className = "hint also-viewing";
      line.setAttribute("aria-live", "polite");
      form.parentNode.insertBefore(line, form);
    }
    line.hidden = !names.length;
    line.textContent = names.length ? "Also viewing: " + names.join(", ") : "";
  }
  function check() {
    if (document.hidden) return;
    fetch(form.getAttribute("data-updated"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        if (j.viewing) showViewing(j.viewing);
        if (!warned && seconds(j.updated_stamp) !== seconds(stamp)) warn(j.updated_at);
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  check(); // at once, so others see this agent without waiting a poll
  window.setInterval(check, 15000);
  window.addEventListener("focus", check);
  document.addEventListener("visibilitychange", check);
})();
