// Casewise study screen: Space shows the answer, 1–4 grade, u undoes. Without JS the links and forms work alone.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var back = document.getElementById("back");
    var showLink = document.getElementById("show-answer");
    var undoForm = document.getElementById("undo-form");
    var started = Date.now();
    var submitting = false;

    function reveal() {
      if (!back || !back.hidden) { return; }
      back.hidden = false;
      if (showLink) { showLink.parentNode.hidden = true; }
      back.focus();
    }

    function submit(form, button) {
      // One submission per page: a second key press must not send a second request.
      if (submitting || !form) { return; }
      submitting = true;
      var duration = form.querySelector("input[name=duration_ms]");
      if (duration) { duration.value = String(Date.now() - started); }
      if (form.requestSubmit) { form.requestSubmit(button || null); return; }
      if (button && button.name) {
        // form.submit() sends no submitter: carry the pressed button's rating in a field instead.
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = button.name;
        field.value = button.value;
        form.appendChild(field);
      }
      form.submit();
    }

    if (showLink) {
      showLink.addEventListener("click", function (event) { event.preventDefault(); reveal(); });
    }
    document.querySelectorAll("form.grade-form, form.undo-form").forEach(function (form) {
      form.addEventListener("submit", function () {
        submitting = true;
        var duration = form.querySelector("input[name=duration_ms]");
        if (duration && !duration.value) { duration.value = String(Date.now() - started); }
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
      var tag = (event.target && event.target.tagName) || "";
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) { return; }
      if (event.key === " " || event.key === "Spacebar") {
        if (back && back.hidden) { event.preventDefault(); reveal(); }
        return;
      }
      if (/^[1-4]$/.test(event.key) && back && !back.hidden) {
        event.preventDefault();
        var button = back.querySelector("button.grade-" + event.key);
        submit(button && button.form, button);
        return;
      }
      if ((event.key === "u" || event.key === "U") && undoForm) {
        event.preventDefault();
        submit(undoForm);
      }
    });
  });
})();
