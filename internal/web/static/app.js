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

  // Files dropped on a message box (data-drop names its file input) join the
  // files picked there; the form posts them as if picked. Without script the
  // file input alone works.
  function listPicked(input) {
    var list = document.getElementById("picked");
    if (!list) return;
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + " (" + f.size + " bytes)";
      list.appendChild(li);
    });
  }

  function addDropped(input, files) {
    if (typeof DataTransfer !== "function") return;
    var dt = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
    Array.prototype.forEach.call(files, function (f) { dt.items.add(f); });
    input.files = dt.files;
    listPicked(input);
  }

  // A file dragged anywhere over a page with a message box that takes files
  // goes to that box's file input: a near miss must not make the browser open
  // the file and lose the draft.
  function dropZone(e) {
    if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") < 0) return null;
    var box = document.querySelector("[data-drop]");
    var input = box && document.getElementById(box.getAttribute("data-drop"));
    return input ? { box: box, input: input } : null;
  }

  document.addEventListener("dragover", function (e) {
    var z = dropZone(e);
    if (!z) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    z.box.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (e) {
    var z = dropZone(e);
    if (z && e.target === z.box) z.box.classList.remove("dropping");
  });
  document.addEventListener("drop", function (e) {
    var z = dropZone(e);
    if (!z) return;
    e.preventDefault();
    z.box.classList.remove("dropping");
    addDropped(z.input, e.dataTransfer.files);
  });
  document.addEventListener("change", function (e) {
    if (e.target && e.target.type === "file") listPicked(e.target);
  });

  // Choosing a pseudo group ("→ secure") sends the ticket and its content to the
  // secure desk: ask first. Without script the server asks with a checkbox.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var group = form && form.querySelector ? form.querySelector("#group_id") : null;
    var opt = group && group.options[group.selectedIndex];
    if (!opt || !opt.hasAttribute("data-secure") || opt.defaultSelected) return;
    var box = document.getElementById("confirm_escalation");
    if (box && box.checked) return;
    var name = opt.textContent.replace(/\s*→.*$/, "");
    if (!window.confirm("Move this ticket to " + name + "? It goes to the secure desk: its conversation and fields are deleted here.")) {
      e.preventDefault();
      return;
    }
    var ok = document.createElement("input");
    ok.type = "hidden"; ok.name = "confirm_escalation"; ok.value = "1";
    form.appendChild(ok);
  });

  // The ticket reply box's text is kept in this tab (sessionStorage) until the
  // page confirms it was saved (?flash=updated), so an expired session, a refused
  // submit or a stray reload never throws the typed text away.
  var newTicketKey = "twindesk-draft:/tickets/new";
  function draftKey() { return "twindesk-draft:" + location.pathname; }
  function store() {
    try { return window.sessionStorage; } catch (err) { return null; }
  }
  function draftBox() {
    var box = document.getElementById("body");
    if (!box || !box.form) return null;
    if (box.form.id === "ticket-form") return box;
    return location.pathname === "/tickets/new" ? box : null; // the new-ticket form
  }
  function restoreDraft() {
    var st = store();
    if (!st) return;
    var flash = new URLSearchParams(location.search).get("flash");
    if (flash === "updated" || flash === "escalating") st.removeItem(draftKey());
    if (flash === "created" || flash === "escalating") st.removeItem(newTicketKey);
    if (flash) return;
    var box = draftBox();
    var saved = st.getItem(draftKey());
    if (!box || !saved || box.value) return;
    box.value = saved;
    var note = document.createElement("p");
    note.className = "hint";
    note.id = "draft-restored";
    note.textContent = "Your unsent text was restored.";
    box.parentNode.insertBefore(note, box);
  }
  document.addEventListener("input", function (e) {
    var box = draftBox();
    var st = store();
    if (!box || e.target !== box || !st) return;
    if (box.value) st.setItem(draftKey(), box.value); else st.removeItem(draftKey());
  });

  // Times come from the server in the agent's zone (their settings), naming it.
  // The UTC time is added as the title of those that have none, for comparing
  // with logs and mail headers.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function utcTitles() {
    Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime()) || el.title) return;
      el.title = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
        pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";
    });
  }

  document.addEventListener("DOMContentLoaded", utcTitles);
  document.addEventListener("DOMContentLoaded", restoreDraft);
  document.addEventListener("DOMContentLoaded", syncReply);
})();
