// The question editor, progressive enhancement only: add and remove option rows in place (the form works
// without this file).
(function () {
  "use strict";

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
    var also = list.getAttribute("data-rows-also");
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
      if (also) { renumber(row, also, max + 1); } // a second list whose rows share the row (a blank's feedback)
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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.editor").forEach(initEditor);
  });
})();
