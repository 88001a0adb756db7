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

  function dropTarget(e) {
    var t = e.target;
    if (!t || !t.getAttribute || !t.getAttribute("data-drop")) return null;
    var input = document.getElementById(t.getAttribute("data-drop"));
    if (!input || !e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types, "Files") < 0) return null;
    return input;
  }

  document.addEventListener("dragover", function (e) {
    if (!dropTarget(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    e.target.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (e) {
    if (e.target && e.target.classList) e.target.classList.remove("dropping");
  });
  document.addEventListener("drop", function (e) {
    var input = dropTarget(e);
    if (!input) return;
    e.preventDefault();
    e.target.classList.remove("dropping");
    addDropped(input, e.dataTransfer.files);
  });
  document.addEventListener("change", function (e) {
    if (e.target && e.target.type === "file") listPicked(e.target);
  });

  document.addEventListener("DOMContentLoaded", syncReply);
})();
