// The article reader, for instructors: select text in a sentence to write a question from it (progressive
// enhancement: the bank's "Write a question" page works without this file).
(function () {
  "use strict";

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
    var reader = document.querySelector(".reader[data-write-url]");
    if (reader) { initReader(reader); }
  });
})();
