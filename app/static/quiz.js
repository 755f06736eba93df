// Casewise quiz attempts: autosave each answer as it changes (with retries), flags for review, the question
// map, a countdown that warns and submits at the deadline, and the confirmation before the submit.
// Progressive enhancement: without this file the form's buttons save, page, finish and submit the same way.
// Each answer is also kept as a draft in sessionStorage until the server acknowledges it, so an answer typed
// just before a reload (whose save the reload's GET may overtake) is put back and saved on the next load.
(function () {
  "use strict";

  var RETRY_MIN_MS = 1000, RETRY_MAX_MS = 30000, TYPING_DELAY_MS = 800;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  // ------------------------------------------------------------ answers, one collector per question type
  // Each returns exactly the shape the server's validate_response takes; the page carries the server's own
  // description of it on each question (data-answer-shape, from ANSWER_SHAPES in app/quizzes/grading.py).
  function field(fieldset) { return '[name="q-' + fieldset.getAttribute("data-qid") + '"]'; }
  function chosen(fieldset) {
    var input = fieldset.querySelector("input" + field(fieldset) + ":checked");
    return input ? input.value : null;
  }
  function typed(fieldset) {
    var input = fieldset.querySelector("input" + field(fieldset) + ", textarea" + field(fieldset));
    return input ? input.value : null;
  }
  var COLLECTORS = {
    mcq: chosen,                                            // "option text"
    tf: chosen,                                             // "true" | "false"
    multi: function (fieldset) {                            // ["option", ...]
      return all(fieldset, "input" + field(fieldset) + ":checked").map(function (i) { return i.value; });
    },
    numeric: typed,                                         // "534 million"
    short: typed,                                           // "joint venture"
    essay: typed,                                           // the written answer
    cloze: function (fieldset) {                            // ["blank 1", "blank 2", ...], one per blank
      var name = "q-" + fieldset.getAttribute("data-qid") + "-";
      var blanks = parseInt(fieldset.getAttribute("data-blanks") || "0", 10);
      var answer = [];
      for (var i = 1; i <= blanks; i++) {
        var input = fieldset.querySelector('input[name="' + name + i + '"]');
        answer.push(input ? input.value : "");
      }
      return answer;
    },
    matching: function (fieldset) {                         // {left: right}
      var pairs = {};
      all(fieldset, "select[data-left]").forEach(function (s) { pairs[s.getAttribute("data-left")] = s.value; });
      return pairs;
    }
  };

  function answerOf(fieldset) {
    var collect = COLLECTORS[fieldset.getAttribute("data-qtype")];
    return collect ? collect(fieldset) : null;
  }

  function isBlank(answer) {
    if (answer === null || answer === undefined) { return true; }
    if (typeof answer === "string") { return !answer.trim(); }
    if (Array.isArray(answer)) { return answer.every(isBlank); }
    if (typeof answer === "object") { return Object.keys(answer).every(function (k) { return isBlank(answer[k]); }); }
    return false;
  }

  // The inverse of COLLECTORS: put an answer of the question's shape back into its fields (a restored draft).
  function checkValues(fieldset, values) {
    all(fieldset, "input" + field(fieldset)).forEach(function (i) { i.checked = values.indexOf(i.value) !== -1; });
  }
  function fill(fieldset, answer) {
    var input = fieldset.querySelector("input" + field(fieldset) + ", textarea" + field(fieldset));
    if (input) { input.value = answer === null || answer === undefined ? "" : String(answer); }
  }
  var APPLIERS = {
    mcq: function (fieldset, answer) { checkValues(fieldset, [answer]); },
    tf: function (fieldset, answer) { checkValues(fieldset, [String(answer)]); },
    multi: function (fieldset, answer) { checkValues(fieldset, Array.isArray(answer) ? answer : []); },
    numeric: fill,
    short: fill,
    essay: fill,
    cloze: function (fieldset, answer) {
      var name = "q-" + fieldset.getAttribute("data-qid") + "-";
      (Array.isArray(answer) ? answer : []).forEach(function (text, i) {
        var input = fieldset.querySelector('input[name="' + name + (i + 1) + '"]');
        if (input) { input.value = text === null || text === undefined ? "" : String(text); }
      });
    },
    matching: function (fieldset, answer) {
      all(fieldset, "select[data-left]").forEach(function (s) {
        var right = answer && typeof answer === "object" ? answer[s.getAttribute("data-left")] : "";
        s.value = right === null || right === undefined ? "" : String(right);
      });
    }
  };

  // ------------------------------------------------------------ drafts kept until the server has them
  // sessionStorage, not localStorage: it survives a reload or a crash-free back/forward in the tab, but is
  // per tab (another tab of the same attempt never gets this tab's unsaved typing put into its fields) and
  // is gone when the tab closes (nothing of a quiz is left behind on a shared computer).
  // A draft is {answer, seq, at, base, sent}: seq is the save number the answer is (or will be) sent with;
  // at is when it was typed, on the server's clock (the page says the server's time when it was rendered);
  // base is the last save number this tab knew stored; sent, the answers this tab sent and has no reply for.
  var DRAFT_PREFIX = "casewise-draft:";
  var Drafts = {
    key: function (attemptId, qid) { return DRAFT_PREFIX + attemptId + ":" + qid; },
    read: function (attemptId, qid) {
      try {
        var draft = JSON.parse(window.sessionStorage.getItem(this.key(attemptId, qid)) || "null");
        return draft && typeof draft === "object" && typeof draft.seq === "number" ? draft : null;
      } catch (e) { return null; }
    },
    write: function (attemptId, qid, draft) {
      try { window.sessionStorage.setItem(this.key(attemptId, qid), JSON.stringify(draft)); } catch (e) { /* full or off: autosave alone */ }
    },
    drop: function (attemptId, qid) {
      try { window.sessionStorage.removeItem(this.key(attemptId, qid)); } catch (e) { /* storage off */ }
    },
    dropAttempt: function (attemptId) {
      try {
        var prefix = DRAFT_PREFIX + attemptId + ":", doomed = [];
        for (var i = 0; i < window.sessionStorage.length; i++) {
          var k = window.sessionStorage.key(i);
          if (k && k.indexOf(prefix) === 0) { doomed.push(k); }
        }
        doomed.forEach(function (k) { window.sessionStorage.removeItem(k); });
      } catch (e) { /* storage off */ }
    }
  };

  // ------------------------------------------------------------ status line and question map

  function setStatus(fieldset, text, kind) {
    var status = fieldset.querySelector(".save-status");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", kind === "error");
    status.classList.toggle("retrying", kind === "retry");
  }

  function mapLink(qid) { return document.querySelector('.qlink[data-qid="' + qid + '"]'); }

  function updateMap(fieldset) {
    var link = mapLink(fieldset.getAttribute("data-qid"));
    if (!link) { return; }
    var answered = !isBlank(answerOf(fieldset));
    var flagged = fieldset.classList.contains("is-flagged");
    link.classList.toggle("answered", answered);
    link.classList.toggle("flagged", flagged);
    var state = link.querySelector(".qlink-state");
    if (state) { state.textContent = (answered ? "answered" : "not answered") + (flagged ? ", flagged" : ""); }
  }

  // A sentence for the student from a refusal's message: never the raw JSON, always a full sentence.
  function sentence(message) {
    var text = String(message || "").replace(/\s+/g, " ").trim();
    if (!text) { return ""; }
    text = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?]$/.test(text) ? text : text + ".";
  }

  // ------------------------------------------------------------ autosave with retries

  function Saver(form) {
    this.url = form.getAttribute("data-save-url");
    this.attemptId = form.getAttribute("data-attempt-id");
    var serverNow = parseInt(form.getAttribute("data-now-ms") || "", 10);
    this.skew = isNaN(serverNow) ? 0 : serverNow - Date.now();  // server clock minus this one
    this.state = {};   // qid -> {seq, timer, inFlight, dirty, failures, restored}
    this.closed = false;
  }

  Saver.prototype.of = function (fieldset) {
    var qid = fieldset.getAttribute("data-qid");
    if (!this.state[qid]) {
      var stored = parseInt(fieldset.getAttribute("data-seq") || "0", 10);
      this.state[qid] = { seq: stored, known: stored, sent: [], timer: null,
                          inFlight: false, dirty: false, failures: 0, restored: false };
    }
    return this.state[qid];
  };

  // Keep the answer now on the page as this question's draft, numbered as the save that will carry it.
  Saver.prototype.remember = function (fieldset) {
    if (!this.attemptId) { return; }
    var st = this.of(fieldset), qid = fieldset.getAttribute("data-qid"), answer = answerOf(fieldset);
    var kept = Drafts.read(this.attemptId, qid);
    // The same answer again (a change event on blur, Enter): the draft keeps when it was typed.
    if (kept && JSON.stringify(kept.answer) === JSON.stringify(answer) && kept.seq > st.known) { return; }
    Drafts.write(this.attemptId, qid, {
      answer: answer, seq: st.seq + 1, at: Date.now() + this.skew, base: st.known, sent: st.sent
    });
  };

  // On load: a draft the server lacks goes back into the fields and is saved. Dropped instead: a draft
  // the server holds (the page shows it), one whose save number the server's save has reached, and one
  // older than a save this tab did not send (another tab's, stored after the draft was typed).
  Saver.prototype.restore = function (fieldset) {
    if (!this.attemptId || this.closed) { return; }
    var qid = fieldset.getAttribute("data-qid"), st = this.of(fieldset);
    var draft = Drafts.read(this.attemptId, qid);
    if (!draft) { return; }
    var apply = APPLIERS[fieldset.getAttribute("data-qtype")];
    var shown = JSON.stringify(answerOf(fieldset));
    var savedMs = parseInt(fieldset.getAttribute("data-saved-ms") || "0", 10);
    var ours = st.seq <= (draft.base || 0) || (Array.isArray(draft.sent) && draft.sent.indexOf(shown) !== -1);
    if (!apply || draft.seq <= st.seq || JSON.stringify(draft.answer) === shown ||
        (!ours && !(savedMs < draft.at))) {
      Drafts.drop(this.attemptId, qid);
      return;
    }
    apply(fieldset, draft.answer);
    updateMap(fieldset);
    st.restored = true;
    draft.seq = st.seq + 1;  // renumbered after the server's: the save below acknowledges it
    draft.base = st.known;
    draft.sent = [];
    Drafts.write(this.attemptId, qid, draft);
    setStatus(fieldset, "Not saved yet — saving…", "retry");
    st.dirty = true;
    this.send(fieldset);
  };

  Saver.prototype.schedule = function (fieldset, delay) {
    var st = this.of(fieldset), self = this;
    if (this.closed) { return; }
    this.remember(fieldset);
    st.dirty = true;
    clearTimeout(st.timer);
    st.failures = 0;
    st.timer = setTimeout(function () { st.timer = null; self.send(fieldset); }, delay);
  };

  Saver.prototype.retry = function (fieldset, waitMs) {
    var st = this.of(fieldset), self = this;
    st.dirty = true;
    st.failures += 1;
    var backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * Math.pow(2, st.failures - 1));
    var delay = waitMs !== null ? Math.max(waitMs, RETRY_MIN_MS) : backoff * (0.75 + Math.random() * 0.5);
    setStatus(fieldset, "Not saved yet — we'll retry.", "retry");
    clearTimeout(st.timer);
    st.timer = setTimeout(function () { st.timer = null; self.send(fieldset); }, delay);
  };

  Saver.prototype.send = function (fieldset) {
    var st = this.of(fieldset), self = this;
    if (this.closed || !st.dirty) { return; }
    clearTimeout(st.timer);  // this save carries the latest answer: a pending one is not needed
    st.timer = null;
    if (st.inFlight) { return; }  // sent again when the save in flight settles
    st.dirty = false;
    st.inFlight = true;
    st.seq += 1;
    var seq = st.seq, qid = parseInt(fieldset.getAttribute("data-qid"), 10), answer = answerOf(fieldset);
    st.sent = st.sent.concat([JSON.stringify(answer)]).slice(-5);
    var draft = this.attemptId && Drafts.read(this.attemptId, String(qid));
    if (draft) { draft.sent = st.sent; Drafts.write(this.attemptId, String(qid), draft); }
    if (st.restored) { setStatus(fieldset, "Not saved yet — saving…", "retry"); } else { setStatus(fieldset, "Saving…", "busy"); }
    fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "error",
      keepalive: true,  // a save sent as the page is left (pagehide, a link) still reaches the server
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ question_id: qid, answer: answer, seq: seq })
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body, retryAfter: response.headers.get("Retry-After") };
      });
    }).then(function (result) {
      st.inFlight = false;
      self.settle(fieldset, seq, result);
    }, function () {
      st.inFlight = false;
      self.retry(fieldset, null);  // no connection: keep the answer and try again
    });
  };

  Saver.prototype.settle = function (fieldset, seq, result) {
    var st = this.of(fieldset);
    var error = (result.body && result.body.error) || {};
    if (result.status === 200 || (result.status === 409 && error.code === "stale")) {
      // Stale: a newer save of this question is already stored, so this one is not needed.
      var seen = fieldset.querySelector(".seen-seq");
      if (seen && parseInt(seen.value, 10) < seq) { seen.value = String(seq); }
      var draft = this.attemptId && Drafts.read(this.attemptId, fieldset.getAttribute("data-qid"));
      // Typing after this save was sent renumbered the draft above seq: only the answer sent is dropped.
      if (draft && draft.seq <= seq) { Drafts.drop(this.attemptId, fieldset.getAttribute("data-qid")); }
      st.failures = 0;
      st.restored = false;
      if (result.status === 200) { st.known = Math.max(st.known, seq); st.sent = []; }
      updateMap(fieldset);
      if (st.dirty && !st.timer) { this.send(fieldset); return; }  // changed while this save was in flight
      if (!st.dirty) { setStatus(fieldset, "Saved", "ok"); }        // else the typing delay sends it soon
      return;
    }
    if (result.status === 409 && error.code === "checked") {
      // Checked in another tab (feedback after each answer): that answer is final, the attempt goes on.
      if (this.attemptId) { Drafts.drop(this.attemptId, fieldset.getAttribute("data-qid")); }
      st.dirty = false;
      setStatus(fieldset, "Not saved: " + (sentence(error.message) || "This answer is final.") +
        " Reload the page to see its feedback.", "error");
      return;
    }
    if (result.status === 409) {
      this.close(sentence(error.message) || "This attempt is closed; answers can no longer change.");
      return;
    }
    if (result.status === 422) {
      var why = sentence(error.message);
      setStatus(fieldset, "Not saved: " + (why ? why + " " : "") + "Change your answer and it will be saved.", "error");
      return;
    }
    if (result.status === 404) {
      setStatus(fieldset, "Not saved: this question is no longer part of your attempt. Reload the page.", "error");
      return;
    }
    if (result.status === 400 && /csrf/i.test(JSON.stringify(result.body || ""))) {
      setStatus(fieldset, "Not saved: this page has expired. Reload the page to go on.", "error");
      return;
    }
    // Network trouble, a busy server (503 with Retry-After, 429) or a server error: keep trying.
    var wait = result.retryAfter !== null && /^\d+$/.test(result.retryAfter) ? parseInt(result.retryAfter, 10) * 1000 : null;
    this.retry(fieldset, wait);
  };

  Saver.prototype.close = function (message) {
    if (this.closed) { return; }
    this.closed = true;
    var self = this;
    if (this.attemptId) { Drafts.dropAttempt(this.attemptId); }  // nothing typed can change it any more
    Object.keys(this.state).forEach(function (qid) { clearTimeout(self.state[qid].timer); });
    all(document, "fieldset.question").forEach(function (fs) { setStatus(fs, "", "ok"); });
    var form = document.querySelector(".attempt-form");
    var box = document.querySelector(".attempt-closed");
    if (!box && form) {
      box = document.createElement("p");
      box.className = "notice attempt-closed";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    if (box) {
      box.textContent = message + " ";
      var link = document.createElement("a");
      link.href = (document.querySelector("[data-review-url]") || form).getAttribute("data-review-url") ||
        form.getAttribute("action") + "/review";
      link.textContent = "See your attempt";
      box.appendChild(link);
    }
    all(document, ".attempt-form input, .attempt-form select, .attempt-form textarea, .attempt-form button")
      .forEach(function (el) { if (el.type !== "hidden") { el.disabled = true; } });
  };

  // Send every answer waiting for its typing delay now; resolves when no save is in flight (or after 5 s).
  Saver.prototype.flush = function () {
    var self = this;
    all(document, "fieldset.question[data-qid]").forEach(function (fs) {
      var st = self.state[fs.getAttribute("data-qid")];
      if (st && st.timer && st.dirty) { clearTimeout(st.timer); st.timer = null; self.send(fs); }
    });
    var started = Date.now();
    return new Promise(function (resolve) {
      (function wait() {
        var busy = Object.keys(self.state).some(function (q) { return self.state[q].inFlight; });
        if (!busy || Date.now() - started > 5000) { resolve(); } else { setTimeout(wait, 50); }
      })();
    });
  };

  // ------------------------------------------------------------ flags for review

  function setFlag(form, box, saver) {
    var fieldset = box.closest("fieldset.question");
    var wanted = box.checked;
    fieldset.classList.toggle("is-flagged", wanted);
    updateMap(fieldset);
    fetch(form.getAttribute("data-flag-url"), {
      method: "POST",
      credentials: "same-origin",
      redirect: "error",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ question_id: parseInt(fieldset.getAttribute("data-qid"), 10), flagged: wanted })
    }).then(function (response) {
      if (response.status === 409) {  // submitted or past the deadline: say so, as a refused save does
        return response.json().catch(function () { return null; }).then(function (body) {
          var error = (body && body.error) || {};
          saver.close(sentence(error.message) || "This attempt is closed; answers can no longer change.");
        });
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      setStatus(fieldset, wanted ? "Flagged for review." : "Flag removed.", "ok");
    }).catch(function () {
      box.checked = !wanted;
      fieldset.classList.toggle("is-flagged", !wanted);
      updateMap(fieldset);
      setStatus(fieldset, "The flag could not be saved; try again.", "error");
    });
  }

  // ------------------------------------------------------------ the question map: which one is current

  function trackCurrent(form) {
    function mark(fieldset) {
      all(document, ".qlink[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
      var link = fieldset && mapLink(fieldset.getAttribute("data-qid"));
      if (link) { link.setAttribute("aria-current", "step"); }
    }
    form.addEventListener("focusin", function (event) { mark(event.target.closest("fieldset.question")); });
    if (!("IntersectionObserver" in window)) { return; }
    var visible = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      var first = all(form, "fieldset.question").filter(function (fs) { return visible[fs.id]; })[0];
      if (first && !form.contains(document.activeElement)) { mark(first); }
    }, { rootMargin: "-20% 0px -40% 0px" });
    all(form, "fieldset.question").forEach(function (fs) { observer.observe(fs); });
  }

  // ------------------------------------------------------------ countdown

  function startCountdown(el, saver) {
    var left0 = parseInt(el.getAttribute("data-remaining-s"), 10);
    var out = el.querySelector(".countdown");
    var announce = el.querySelector(".timer-announce");
    if (isNaN(left0) || !out) { return; }
    var end = Date.now() + left0 * 1000;
    var warned = { five: false, one: false }, flushed = false;
    function say(text) { if (announce) { announce.textContent = text; } }
    function tick() {
      var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      out.textContent = left > 0 ? (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s : "Time is up";
      el.classList.toggle("warning", left <= 300 && left > 60);
      el.classList.toggle("urgent", left <= 60);
      // Said once each, from the page's load on: a page opened with 3 minutes left says "5 minutes left".
      if (left > 0 && left <= 60 && !warned.one) { warned.one = warned.five = true; say("1 minute left."); }
      if (left > 60 && left <= 300 && !warned.five) { warned.five = true; say("5 minutes left."); }
      if (left <= 3 && !flushed && saver) { flushed = true; saver.flush(); }
      if (left > 0) { setTimeout(tick, 500); return; }
      say("Time is up. Your saved answers are being submitted.");
      if (saver) { saver.close("Time is up: your saved answers are being submitted."); }
      var review = el.getAttribute("data-review-url"), closeUrl = el.getAttribute("data-close-url");
      // Pages only show an overdue attempt closed; this POST closes it with what was saved (grades it,
      // passes the grade back), then the review shows it. Should the POST fail, the review still shows it
      // closed, and the next write or the close-overdue job stores it.
      function toReview() { window.location.assign(review); }
      if (review) {
        setTimeout(function () {
          if (!closeUrl) { toReview(); return; }
          fetch(closeUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
            body: "{}"
          }).then(toReview, toReview);
        }, 1500);
      }
    }
    tick();
  }

  // ------------------------------------------------------------ the summary's confirmation

  function confirmSubmit(form) {
    var dialog = form.querySelector("dialog.confirm-submit");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) { return; }
      event.preventDefault();
      dialog.showModal();
    });
    dialog.querySelector(".cancel").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".confirm").addEventListener("click", function () {
      confirmed = true;
      dialog.close();
      HTMLFormElement.prototype.submit.call(form);  // form.submit is shadowed by the field named "submit"
    });
  }

  // ------------------------------------------------------------ wiring

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".attempt-form[data-save-url]");
    var timer = document.querySelector(".timer[data-remaining-s]");
    var summary = document.querySelector("form.submit-form");
    if (summary) { confirmSubmit(summary); }
    // A submitted or closed attempt's page (its review): drafts of it are never put back.
    all(document, "[data-closed-attempt-id]").forEach(function (el) {
      Drafts.dropAttempt(el.getAttribute("data-closed-attempt-id"));
    });
    if (!form || !window.fetch) {
      if (timer) { startCountdown(timer, null); }
      return;
    }
    document.documentElement.classList.add("js-autosave");
    var saver = new Saver(form);
    if (timer) { startCountdown(timer, saver); }
    trackCurrent(form);
    all(form, "fieldset.question[data-qid]").forEach(function (fs) { saver.restore(fs); });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.classList.contains("flag-box")) { setFlag(form, target, saver); return; }
      var fieldset = target.closest("fieldset.question");
      if (fieldset) { saver.schedule(fieldset, 0); }
    });
    form.addEventListener("input", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      var tag = event.target.tagName;
      if (fieldset && (event.target.type === "text" || tag === "TEXTAREA")) {
        setStatus(fieldset, "", "ok");
        saver.schedule(fieldset, TYPING_DELAY_MS);
      }
    });
    form.addEventListener("keydown", function (event) {
      // Enter in a one-line answer saves it rather than posting the whole page.
      if (event.key === "Enter" && event.target.type === "text") {
        var fieldset = event.target.closest("fieldset.question");
        if (fieldset) { event.preventDefault(); saver.schedule(fieldset, 0); }
      }
    });
    // Leaving the page by a link (the question map, "Finish attempt…"): send what is typed first.
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      var url = new URL(link.href, window.location.href);
      if (url.pathname === window.location.pathname && url.search === window.location.search) { return; }
      event.preventDefault();
      saver.flush().then(function () { window.location.assign(link.href); });
    });
    window.addEventListener("pagehide", function () { saver.flush(); });
  });
})();
