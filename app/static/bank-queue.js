// The review queue, progressive enhancement only: every form and link works without this file.
// j/k move, a approve, e edit, r reject (type the reason, Enter), x select; none of them when the user turned
// single-key shortcuts off (data-shortcuts="off", WCAG 2.1.4).
(function () {
  "use strict";

  function typing(target) {
    var tag = (target && target.tagName) || "";
    if (tag === "INPUT") { return !/^(checkbox|radio|submit|button|reset)$/.test(target.type); }
    return /^(TEXTAREA|SELECT)$/.test(tag) || !!(target && target.isContentEditable);
  }

  // A card scrolled to stops just below the sticky bulk bar, however many lines the bar wraps to
  // (the stylesheet's fallback is a one-line bar at desktop width).
  function clearBulkBar(queue) {
    var bar = document.querySelector(".bulk-bar");
    if (!bar) { return; }
    function measure() { queue.style.setProperty("--bulk-bar-height", bar.offsetHeight + "px"); }
    measure();
    if (window.ResizeObserver) { new ResizeObserver(measure).observe(bar); }
  }

  function initQueue(queue) {
    var items = Array.prototype.slice.call(queue.querySelectorAll(".queue-item"));
    if (!items.length) { return; }
    clearBulkBar(queue);
    var bulkCount = document.querySelector(".bulk-count");
    var current = 0;
    var fromHash = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (fromHash && items.indexOf(fromHash) >= 0) { current = items.indexOf(fromHash); }

    function setCurrent(i, focus) {
      if (i < 0 || i >= items.length) { return; }
      items[current].classList.remove("current");
      current = i;
      items[current].classList.add("current");
      if (focus) {
        items[current].focus({ preventScroll: true });
        items[current].scrollIntoView({ block: "nearest" });
      }
    }

    function updateCount() {
      var n = queue.querySelectorAll("input[name=uids][form=bulk]:checked").length;
      items.forEach(function (item) {
        var box = item.querySelector("input[name=uids][form=bulk]");
        item.classList.toggle("selected", !!(box && box.checked));
      });
      if (bulkCount) { bulkCount.textContent = n ? n + " selected:" : "Tick questions below, then:"; }
    }

    items.forEach(function (item, i) {
      item.addEventListener("click", function () { setCurrent(i, false); });
      item.addEventListener("focusin", function () { setCurrent(i, false); });
    });
    queue.addEventListener("change", function (event) {
      if (event.target.name === "uids") { updateCount(); }
    });
    queue.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && event.target.classList.contains("reason")) {
        event.target.blur();
        items[current].focus({ preventScroll: true });
      }
    });
    setCurrent(current, !!fromHash);
    updateCount();

    if (queue.getAttribute("data-shortcuts") === "off") { return; }
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) { return; }
      var item = items[current];
      var key = event.key;
      if (key === "j" || key === "k") {
        event.preventDefault();
        setCurrent(current + (key === "j" ? 1 : -1), true);
      } else if (key === "a") {
        var approve = item.querySelector("form.approve-form");
        if (approve) {
          event.preventDefault();
          if (approve.requestSubmit) { approve.requestSubmit(); } else { approve.submit(); }
        }
      } else if (key === "e") {
        var edit = item.querySelector("a.edit-link");
        if (edit) { event.preventDefault(); location.href = edit.href; }
      } else if (key === "r") {
        var reason = item.querySelector("form.reject-form input.reason");
        if (reason) { event.preventDefault(); reason.focus(); }
      } else if (key === "x") {
        var box = item.querySelector("input[name=uids]");
        if (box) { event.preventDefault(); box.checked = !box.checked; updateCount(); }
      }
    });
  }

  // A refused decision re-renders the list in place at /bank/review/decide: put the list's own address,
  // filters and all, back in the address bar, so a reload or a shared link shows the same filtered list.
  function keepListAddress() {
    var refused = document.getElementById("decision-error");
    var here = refused && refused.getAttribute("data-here");
    if (here && here.charAt(0) === "/" && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", here);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    keepListAddress();
    var queue = document.getElementById("queue");
    if (queue) { initQueue(queue); }
  });
})();
