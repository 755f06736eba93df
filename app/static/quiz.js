// Casewise quiz attempts: autosave each answer as it changes, and a countdown to the deadline.
// Progressive enhancement: without this file the form's "Save answers" and "Submit" buttons do the same.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // The answer in the JSON shape the server validates (the same shape the form fallback produces).
  function answerOf(fieldset) {
    var type = fieldset.getAttribute("data-type");
    if (type === "essay") {
      var area = fieldset.querySelector("textarea");
      return area ? area.value : null;
    }
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input, select"));
    if (type === "mcq" || type === "tf") {
      var checked = fieldset.querySelector("input:checked");
      return checked ? checked.value : null;
    }
    if (type === "multi") {
      return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (type === "cloze") {
      return inputs.map(function (i) { return i.value; });
    }
    if (type === "matching") {
      var pairs = {};
      inputs.forEach(function (s) { pairs[s.getAttribute("data-left")] = s.value; });
      return pairs;
    }
    return inputs.length ? inputs[0].value : null;
  }

  function setStatus(fieldset, text, isError) {
    var status = fieldset.querySelector(".save-status");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function Saver(form) {
    this.url = form.getAttribute("data-save-url");
    this.seq = {};
    this.timers = {};
  }

  Saver.prototype.save = function (fieldset) {
    var qid = parseInt(fieldset.getAttribute("data-qid"), 10);
    var current = this.seq[qid] || parseInt(fieldset.getAttribute("data-seq") || "0", 10);
    var seq = current + 1;
    this.seq[qid] = seq;
    setStatus(fieldset, "Saving…", false);
    var self = this;
    fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ question_id: qid, answer: answerOf(fieldset), seq: seq })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        // The form's fallback submit writes only answers at least as new as the page's seq.
        var seen = fieldset.querySelector(".seen-seq");
        if (seen && parseInt(seen.value, 10) < seq) { seen.value = String(seq); }
        if (self.seq[qid] === seq) { setStatus(fieldset, "Saved", false); }
        return;
      }
      var error = (result.body && result.body.error) || {};
      if (error.code === "stale") { return; }  // a newer save of this question is already stored
      setStatus(fieldset, error.message || "Not saved.", true);
      if (error.code === "closed") {
        document.querySelectorAll(".attempt-form button").forEach(function (b) { b.disabled = true; });
      }
    }).catch(function () {
      setStatus(fieldset, "Not saved: no connection. It will be retried; “Save answers” also works.", true);
      clearTimeout(self.timers[qid]);
      self.timers[qid] = setTimeout(function () { self.save(fieldset); }, 5000);
    });
  };

  Saver.prototype.schedule = function (fieldset, delay) {
    var qid = fieldset.getAttribute("data-qid");
    var self = this;
    clearTimeout(this.timers[qid]);
    this.timers[qid] = setTimeout(function () { self.save(fieldset); }, delay);
  };

  function startCountdown(el) {
    var deadline = Date.parse(el.getAttribute("data-deadline"));
    var out = el.querySelector(".countdown");
    if (isNaN(deadline) || !out) { return; }
    function tick() {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = left > 0 ? "Time left: " + m + ":" + (s < 10 ? "0" : "") + s : "Time is up.";
      if (left > 0) { setTimeout(tick, 1000); }
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".attempt-form[data-save-url]");
    var deadline = document.querySelector("[data-deadline]");
    if (deadline) { startCountdown(deadline); }
    if (!form || !window.fetch) { return; }
    var saver = new Saver(form);
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (fieldset) { saver.schedule(fieldset, 0); }
    });
    form.addEventListener("input", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (fieldset && (event.target.type === "text" || event.target.tagName === "TEXTAREA")) {
        saver.schedule(fieldset, 800);
      }
    });
  });
})();
