// Keyboard shortcuts, as in Zendesk's agent workspace. On a ticket list: j/k
// move the highlighted row, Enter or o opens it. On a ticket: r starts a public
// reply, n an internal note. Everywhere: ? shows the list, Escape hides it.
// Keys typed into a box, or with Ctrl/Alt/Meta, are left alone.
(function () {
  "use strict";
  var help = null;
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.tickets tbody tr"));
  }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    var cur = list.findIndex(function (r) { return r.classList.contains("kb-current"); });
    var next = Math.max(0, Math.min(list.length - 1, cur < 0 ? 0 : cur + step));
    if (cur >= 0) list[cur].classList.remove("kb-current");
    list[next].classList.add("kb-current");
    list[next].setAttribute("aria-current", "true");
    if (cur >= 0 && cur !== next) list[cur].removeAttribute("aria-current");
    list[next].scrollIntoView({ block: "nearest" });
  }
  function openCurrent() {
    var row = document.querySelector("table.tickets tbody tr.kb-current a[href^='/tickets/']");
    if (row) location.href = row.getAttribute("href");
  }
  function reply(kind) {
    var body = document.getElementById("body");
    var radio = document.getElementById(kind === "internal" ? "vis-internal" : "vis-public");
    if (!body) return;
    if (radio && !radio.checked) radio.click(); // app.js restyles the box on change
    // Focused after this key's events are over, so the key itself isn't typed.
    window.setTimeout(function () { body.focus(); }, 0);
  }
  function toggleHelp(show) {
    if (!help) {
      help = document.createElement("div");
      help.id = "shortcut-help";
      help.className = "shortcut-help";
      help.setAttribute("role", "dialog");
      help.setAttribute("aria-label", "Keyboard shortcuts");
      help.innerHTML = "<h2>Keyboard shortcuts</h2><dl>" +
        "<div><dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous ticket in a list</dd></div>" +
        "<div><dt><kbd>Enter</kbd> or <kbd>o</kbd></dt><dd>open the highlighted ticket</dd></div>" +
        "<div><dt><kbd>r</kbd></dt><dd>public reply on a ticket</dd></div>" +
        "<div><dt><kbd>n</kbd></dt><dd>internal note on a ticket</dd></div>" +
        "<div><dt><kbd>?</kbd></dt><dd>show this list</dd></div>" +
        "<div><dt><kbd>Esc</kbd></dt><dd>close it</dd></div></dl>";
      document.body.appendChild(help);
    }
    help.hidden = !show;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (e.key === "Escape" && help && !help.hidden) { toggleHelp(false); return; }
    if (typing(e.target)) return;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": case "Enter":
        if (!document.querySelector("tr.kb-current")) return;
        openCurrent(); break;
      case "r": reply("public"); break;
      case "n": reply("internal"); break;
      case "?": toggleHelp(!help || help.hidden); break;
      default: return;
    }
    e.preventDefault();
  });
})();
