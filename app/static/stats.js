// Study statistics: the arrow keys move between a chart's bars (or a heatmap's days), one of which is in
// the tab order, so the keyboard reads every value as a tap does. Without script, each chart's table
// under it holds the same values.
(function () {
  "use strict";
  var KEYS = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 };

  function move(event) {
    var item = event.target.closest(".bar, .heat");
    var group = item && item.closest(".bars, .heat-grid");
    if (!group) return;
    var items = Array.prototype.slice.call(group.querySelectorAll(".bar, .heat[role=img]"));
    var at = items.indexOf(item);
    var to = at;
    if (event.key in KEYS) to = at + KEYS[event.key];
    else if (event.key === "Home") to = 0;
    else if (event.key === "End") to = items.length - 1;
    else return;
    to = Math.max(0, Math.min(items.length - 1, to));
    event.preventDefault();
    items.forEach(function (el, i) { el.tabIndex = i === to ? 0 : -1; });
    items[to].focus();
  }

  document.addEventListener("keydown", move);
})();
