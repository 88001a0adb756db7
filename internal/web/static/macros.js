// twindesk ticket page: the "Apply macro" menu, "Assign to me", and on view
// pages "select all" for bulk edit (issue 19). They only fill the form: the
// agent still reviews and submits it, and a reply already typed is kept (the
// macro's text is added after it). Without script the form works as before.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || ("HTTP " + res.status));
        return body;
      });
    });
  }

  // setValue sets a form control and tells listeners (the draft keeper, the
  // reply colour) that it changed, as if the agent had done it.
  function setValue(el, value, kind) {
    if (!el || el.value === value) return false;
    if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, function (o) { return o.value === value; })) return false;
    el.value = value;
    el.dispatchEvent(new Event(kind || "change", { bubbles: true }));
    return true;
  }

  function applyResult(r) {
    var changed = [];
    [["status", "status"], ["priority", "priority"], ["type", "type"], ["group_id", "group_id"],
      ["assignee_id", "assignee_id"]].forEach(function (p) {
      if (setValue(byId(p[0]), r[p[1]] == null ? "" : String(r[p[1]]))) changed.push(p[0].replace("_id", ""));
    });
    if (setValue(byId("tags"), r.tags || "", "input")) changed.push("tags");
    Object.keys(r.fields || {}).forEach(function (id) {
      var el = byId("cf_" + id);
      if (!el) return;
      if (el.type === "checkbox") {
        var on = r.fields[id] === "true";
        if (el.checked !== on) { el.checked = on; changed.push("field"); }
      } else if (setValue(el, r.fields[id])) changed.push("field");
    });
    if (r.has_comment) {
      var body = byId("body");
      var text = body.value ? body.value.replace(/\s+$/, "") + "\n\n" + r.comment : r.comment;
      setValue(body, text, "input");
      var radio = byId(r["public"] ? "vis-public" : "vis-internal");
      if (radio && !radio.checked) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
      changed.push("reply");
    }
    return changed;
  }

  function setupTicket() {
    var menu = byId("macro-menu");
    if (!menu) return;
    var select = byId("macro");
    var note = byId("macro-note");
    getJSON(menu.getAttribute("data-tools")).then(function (tools) {
      tools.macros.forEach(function (m) {
        var o = document.createElement("option");
        o.value = m.id; o.textContent = m.title;
        select.appendChild(o);
      });
      menu.hidden = tools.macros.length === 0;
      var me = byId("assign-me");
      var assignee = byId("assignee_id");
      if (me && assignee && String(assignee.value) !== String(tools.me)) {
        me.hidden = false;
        me.addEventListener("click", function () {
          // An agent is assigned within one of their groups, as Zendesk's "take it".
          var group = byId("group_id");
          if (group && tools.groups.length && tools.groups.map(String).indexOf(group.value) < 0) {
            setValue(group, String(tools.groups[0]));
          }
          setValue(assignee, String(tools.me));
          me.hidden = true;
          note.textContent = "Assigned to you in the form: submit to save.";
        });
      }
    }).catch(function () { /* the form works without the tools */ });
    select.addEventListener("change", function () {
      if (!select.value) return;
      note.textContent = "Applying…";
      getJSON(menu.getAttribute("data-apply") + encodeURIComponent(select.value) + "/apply").then(function (r) {
        var changed = applyResult(r);
        note.textContent = changed.length ? "Macro applied (" + changed.join(", ") + "): review and submit." : "The macro changes nothing here.";
        select.value = "";
      }).catch(function (err) {
        note.textContent = "The macro could not be applied: " + err.message;
      });
    });
  }

  function setupBulk() {
    var all = byId("pick-all");
    if (!all) return;
    all.hidden = false;
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll('input[name="ids"][form="bulk-form"]'), function (box) {
        box.checked = all.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", setupTicket);
  document.addEventListener("DOMContentLoaded", setupBulk);
})();
