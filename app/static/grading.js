/* The manual-grading screen: saves a grade without leaving the page, and moves through responses by
   keyboard. Enter in the points saves and goes to the next response; Ctrl+Enter saves from the comment;
   j/k (single-key shortcuts) move between responses outside a field. They follow the user's "Single-key
   shortcuts" setting (the same one as study and the review queue); the page's checkbox switches them for
   this visit only. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function items() { return Array.prototype.slice.call(document.querySelectorAll(".grading-item")); }
  function focusItem(item) {
    if (!item) { return; }
    var input = item.querySelector('input[name="points"]');
    item.scrollIntoView({ block: "center" });
    input.focus();
    input.select();
  }
  function step(from, delta) {
    var all = items();
    var index = all.indexOf(from);
    return all[index + delta];
  }
  function say(text) {
    var status = document.getElementById("grading-status");
    if (status) { status.textContent = text; }
  }

  // The left column's badge of the question or student on screen, counted again from the responses
  // shown (all of that question's or that attempt's), as the server words it.
  function recount(attempt) {
    var pick = document.querySelector(".grading-pick");
    var current = pick ? pick.querySelector("a[aria-current]") : null;
    var badge = current ? current.parentNode.querySelector(".badge") : null;
    if (!badge) { return; }
    var waiting = document.querySelectorAll(".grading-item.pending").length;
    if (pick.dataset.mode === "question") {
      var total = items().length;
      badge.textContent = badge.dataset.qtype + " · " +
        (waiting ? waiting + " of " + total + " need grading" : total + " graded");
    } else {
      badge.textContent = waiting ? waiting + " need grading" :
        "graded · " + Math.round(attempt.score * 100) / 100 + " / " + attempt.max_score;
    }
    badge.classList.toggle("badge-warn", waiting > 0);
  }

  function save(form, thenNext) {
    var item = form.closest(".grading-item");
    var message = item.querySelector(".grade-message");
    var points = form.elements.points;
    message.textContent = "Saving…";
    message.className = "grade-message";
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ points: points.value, comment: form.elements.comment.value })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        var text = result.body && result.body.error ? result.body.error.message : "Not saved; try again.";
        message.textContent = text;
        message.className = "grade-message error";
        message.setAttribute("role", "alert");
        points.setAttribute("aria-invalid", "true");
        points.focus();
        return;
      }
      var body = result.body;
      points.value = String(Math.round(body.points * 10000) / 10000); // "7/10" or "70%" reads as the points given
      points.removeAttribute("aria-invalid");
      item.classList.remove("pending");
      item.querySelector(".grading-state").innerHTML = "";
      var badge = document.createElement("span");
      badge.className = "badge badge-ok";
      badge.textContent = "Graded by " + body.graded_by;
      item.querySelector(".grading-state").appendChild(badge);
      var waiting = body.attempt.ungraded;
      message.textContent = "Saved: " + points.value + " / " + item.dataset.max + ". " +
        (waiting ? "The attempt still has " + waiting + (waiting === 1 ? " response" : " responses") + " to grade." :
          "Attempt score: " + Math.round(body.attempt.score * 100) / 100 + " / " + body.attempt.max_score + ".");
      message.setAttribute("role", "status");
      recount(body.attempt);
      say("Saved the grade of response " + body.response_id + ".");
      if (thenNext) {
        var next = step(item, 1);
        if (next) { focusItem(next); } else { say("Saved. That was the last response on this page."); }
      }
    }).catch(function () {
      message.textContent = "Not saved: the connection failed. Try again.";
      message.className = "grade-message error";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("grading-shortcuts");
    if (!toggle) { return; }
    document.body.classList.toggle("no-shortcuts", !toggle.checked);
    toggle.addEventListener("change", function () {
      document.body.classList.toggle("no-shortcuts", !toggle.checked);
      say(toggle.checked ? "Single-key shortcuts on." : "Single-key shortcuts off.");
    });

    items().forEach(function (item) {
      var form = item.querySelector(".grade-form");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        save(form, false);
      });
      form.elements.points.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); save(form, true); }
      });
      form.elements.comment.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); save(form, true); }
      });
    });

    document.addEventListener("keydown", function (event) {
      if (!toggle.checked || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var target = event.target;
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) { return; }
      if (event.key !== "j" && event.key !== "k") { return; }
      var current = target.closest ? target.closest(".grading-item") : null;
      var all = items();
      var next = current ? step(current, event.key === "j" ? 1 : -1) : all[event.key === "j" ? 0 : all.length - 1];
      if (next) { event.preventDefault(); focusItem(next); }
    });
  });
})();
