// Casewise bank pages, progressive enhancement only: every form and link works without this file.
// Review queue: j/k move, a approve, e edit, r reject (type the reason, Enter), x select; none of them when
// the user turned single-key shortcuts off (data-shortcuts="off", WCAG 2.1.4).
// Editor: add and remove option rows in place. Reader: select text in a sentence to write a question from it.
(function () {
  "use strict";

  function typing(target) {
    var tag = (target && target.tagName) || "";
    if (tag === "INPUT") { return !/^(checkbox|radio|submit|button|reset)$/.test(target.type); }
    return /^(TEXTAREA|SELECT)$/.test(tag) || !!(target && target.isContentEditable);
  }

  // ------------------------------------------------------------ review queue
  function initQueue(queue) {
    var items = Array.prototype.slice.call(queue.querySelectorAll(".queue-item"));
    if (!items.length) { return; }
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

  // ------------------------------------------------------------ editor rows
  function renumber(element, prefix, index) {
    var pattern = new RegExp("^" + prefix + "-\\d+");
    ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
      element.querySelectorAll("[" + attr + "]").forEach(function (node) {
        node.setAttribute(attr, node.getAttribute(attr).replace(pattern, prefix + "-" + index));
      });
    });
  }

  function rowIndex(row, prefix) {
    var input = row.querySelector("[name^='" + prefix + "-']");
    var match = input && input.name.match(new RegExp("^" + prefix + "-(\\d+)"));
    return match ? parseInt(match[1], 10) : -1;
  }

  function initRows(list, addButton) {
    var prefix = list.getAttribute("data-rows");
    var blank = list.querySelector(".row");
    if (!blank) { return; }
    blank = blank.cloneNode(true);
    blank.classList.remove("has-error");
    blank.querySelectorAll(".error, .row-remove").forEach(function (node) { node.remove(); });
    blank.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });

    function label(row) {
      var hidden = row.querySelector("label.visually-hidden");
      return hidden ? hidden.textContent.trim() : "row";
    }

    function addRemove(row) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "row-remove";
      button.textContent = "Remove";
      button.setAttribute("aria-label", "Remove " + label(row));
      button.addEventListener("click", function () {
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        var target = next ? next.querySelector("input[type=text]") : addButton;
        (target || addButton).focus();
      });
      var error = row.querySelector(".error");
      row.insertBefore(button, error);
    }

    list.querySelectorAll(".row").forEach(addRemove);
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var max = -1;
      list.querySelectorAll(".row").forEach(function (row) { max = Math.max(max, rowIndex(row, prefix)); });
      var row = blank.cloneNode(true);
      renumber(row, prefix, max + 1);
      list.appendChild(row);
      var n = list.querySelectorAll(".row").length;
      var hidden = row.querySelectorAll("label.visually-hidden");
      hidden.forEach(function (lab) { lab.textContent = lab.textContent.replace(/\d+(?!.*\d)/, String(n)); });
      addRemove(row);
      var first = row.querySelector("input[type=text]");
      if (first) { first.focus(); }
    });
  }

  function initEditor(form) {
    var list = form.querySelector("ol.rows[data-rows]");
    var addButton = form.querySelector("button.add-row");
    if (list && addButton) { initRows(list, addButton); }
  }

  // ------------------------------------------------------------ reader: write from a selection
  function initReader(reader) {
    var base = reader.getAttribute("data-write-url");
    var slug = reader.getAttribute("data-article");
    if (!base || !slug) { return; }
    reader.classList.add("js-writing");
    var button = document.createElement("a");
    button.className = "button primary write-from-selection";
    button.textContent = "Write a question from this sentence";
    button.hidden = true;
    (document.getElementById("main") || document.body).appendChild(button);

    function sentenceOf(node) {
      var element = node && (node.nodeType === 1 ? node : node.parentElement);
      var sentence = element && element.closest(".sentence");
      return sentence && reader.contains(sentence) ? sentence : null;
    }

    function update() {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) { button.hidden = true; return; }
      var start = sentenceOf(selection.anchorNode);
      if (!start) { button.hidden = true; return; }
      var params = new URLSearchParams({ article: slug, sentence: start.id });
      var text = selection.toString().replace(/\s+/g, " ").trim();
      if (sentenceOf(selection.focusNode) === start && text.length >= 3) { params.set("quote", text); }
      button.href = base + "?" + params.toString();
      var rect = selection.getRangeAt(0).getBoundingClientRect();
      button.hidden = false;
      var left = Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - button.offsetWidth - 8);
      button.style.left = Math.max(8, left) + "px";
      button.style.top = (rect.bottom + window.scrollY + 6) + "px";
    }

    document.addEventListener("mouseup", function () { setTimeout(update, 0); });
    document.addEventListener("keyup", function (event) { if (event.shiftKey || event.key === "Shift") { update(); } });
    document.addEventListener("touchend", function () { setTimeout(update, 0); });
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed) { button.hidden = true; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.getElementById("queue");
    if (queue) { initQueue(queue); }
    document.querySelectorAll("form.editor").forEach(initEditor);
    var reader = document.querySelector(".reader[data-write-url]");
    if (reader) { initReader(reader); }
  });
})();
