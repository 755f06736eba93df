// Casewise study screen: Space shows the answer, 1–4 grade, u undoes. Without JS the links and forms work alone.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var back = document.getElementById("back");
    var showLink = document.getElementById("show-answer");
    var undoForm = document.getElementById("undo-form");
    var started = Date.now();
    var submitting = false;
    var fetching = false;

    function fetchAnswer() {
      // The answer face is not in the page until asked for: fetch the page with ?show=1 and take its
      // answer section, if it is still this card; otherwise (or offline) follow the link instead.
      if (fetching || !showLink) { return; }
      fetching = true;
      var card = document.getElementById("study-card");
      fetch(showLink.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fetchedCard = page.getElementById("study-card");
          var fetched = page.getElementById("back");
          if (!fetched || !fetchedCard || fetchedCard.dataset.cardId !== card.dataset.cardId) {
            window.location.assign(showLink.href);
            return;
          }
          back = document.importNode(fetched, true);
          back.hidden = true;
          card.appendChild(back);
          bindForms(back);
          reveal();
        })
        .catch(function () { window.location.assign(showLink.href); });
    }

    function reveal() {
      if (!back) { fetchAnswer(); return; }
      if (!back.hidden) { return; }
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
    function bindForms(root) {
      root.querySelectorAll("form.grade-form, form.undo-form").forEach(function (form) {
        form.addEventListener("submit", function () {
          submitting = true;
          var duration = form.querySelector("input[name=duration_ms]");
          if (duration && !duration.value) { duration.value = String(Date.now() - started); }
        });
      });
    }
    bindForms(document);

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
      var tag = (event.target && event.target.tagName) || "";
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) { return; }
      if (event.key === " " || event.key === "Spacebar") {
        if (!back || back.hidden) { event.preventDefault(); reveal(); }
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
