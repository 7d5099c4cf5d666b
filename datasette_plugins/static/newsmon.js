// Keyboard shortcuts for the triage queue and the item page (shown on screen there).
// Queue: j/k move between rows, o or Enter opens, x ticks. Item: j/k next/previous item,
// 1-5 choose a status, s saves and opens the next item. Keys typed into a field are ignored.
(function () {
  "use strict";
  function typing(event) {
    var t = event.target;
    return event.ctrlKey || event.metaKey || event.altKey ||
      (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)));
  }
  function queue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
    var all = document.querySelector("input[data-select-all]");
    if (all) {
      all.addEventListener("click", function () {
        document.querySelectorAll("input[name=item_id]").forEach(function (b) { b.checked = all.checked; });
      });
    }
    var at = -1;
    function move(step) {
      if (!rows.length) { return; }
      if (at >= 0) { rows[at].classList.remove("nm-cursor"); }
      at = Math.max(0, Math.min(rows.length - 1, at + step));
      rows[at].classList.add("nm-cursor");
      rows[at].scrollIntoView({block: "nearest"});
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event)) { return; }
      if (event.key === "j") { move(1); }
      else if (event.key === "k") { move(-1); }
      else if ((event.key === "o" || event.key === "Enter") && at >= 0) {
        window.location.href = rows[at].getAttribute("data-href");
      } else if (event.key === "x" && at >= 0) {
        var box = rows[at].querySelector("input[name=item_id]");
        if (box) { box.checked = !box.checked; }
      } else { return; }
      event.preventDefault();
    });
  }
  function item() {
    var select = document.querySelector("#status");
    document.addEventListener("keydown", function (event) {
      if (typing(event)) { return; }
      var link;
      if (event.key === "j") { link = document.querySelector("a[rel=next]"); }
      else if (event.key === "k") { link = document.querySelector("a[rel=prev]"); }
      if (link) { window.location.href = link.href; event.preventDefault(); return; }
      if (select && /^[1-9]$/.test(event.key) && Number(event.key) <= select.options.length) {
        select.selectedIndex = Number(event.key) - 1;
        select.dispatchEvent(new Event("change"));
        event.preventDefault();
      } else if (select && event.key === "s") {
        document.querySelector("button[value=save_next]").click();
        event.preventDefault();
      }
    });
  }
  var classes = document.body.classList;
  if (classes.contains("nm-page-queue")) { queue(); }
  if (classes.contains("nm-page-item")) { item(); }
})();
