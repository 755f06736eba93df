// Casewise study screen: Space shows the answer, 1–4 grade, u undoes. Without JS the links and forms work alone.
//
// The next card shows without a page load: while a card is on screen the page asks the server for the
// card after it (GET /study/next?after=<id>), with its faces, button intervals and progress numbers.
// A grade then swaps that card in at once and sends the grade in the background with its idempotency
// key (request_id); the card after the new one is asked for once that grade is saved. When nothing is
// ready (first moments, end of the queue, no fetch) the form posts as it would without JS. A grade the
// server refuses for its card (409: not due, answered elsewhere) shows the reason and the student goes on;
// any other failure reloads the page, which shows the truth. Once a card is graded the URL loses its
// ?card=/?show= (history.replaceState), so a reload never brings back the card just answered. Undo waits
// for grades in flight, then posts its form.
(function () {
  "use strict";
  // Back to a study page kept whole in the back-forward cache would show the card that was on screen then,
  // answered since: load it again (the server's pages are no-store, which most browsers honour as well).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("study-main");
    var started = Date.now();
    var submitting = false;
    var prefetched = null; // the server's answer for the card after the one on screen
    var prefetchedFor = null; // the id of the card on screen it follows
    var inFlight = []; // grades sent in the background and not yet answered

    function byId(id) { return document.getElementById(id); }

    function currentCardId() {
      var card = byId("study-card");
      return card ? card.getAttribute("data-card-id") : null;
    }

    var asideBack = null; // the answer section of the card swapped in, kept out of the page until asked for
    var asideFor = null;
    var fetching = false;

    function attach(back) {
      back.hidden = true;
      byId("study-card").appendChild(back);
      reveal();
    }

    function fetchAnswer() {
      // The page holds no answer until asked for: load the card's ?show=1 page and take its answer section,
      // if it is still this card; otherwise (or offline) follow the link.
      var showLink = byId("show-answer");
      if (fetching || !showLink) { return; }
      fetching = true;
      var id = currentCardId();
      fetch(showLink.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          fetching = false;
          var page = new DOMParser().parseFromString(html, "text/html");
          var card = page.getElementById("study-card");
          var back = page.getElementById("back");
          if (!back || !card || card.getAttribute("data-card-id") !== id || currentCardId() !== id) {
            window.location.assign(showLink.href);
            return;
          }
          attach(document.importNode(back, true));
        })
        .catch(function () { window.location.assign(showLink.href); });
    }

    function reveal() {
      var back = byId("back");
      if (!back) {
        if (asideBack && asideFor === currentCardId()) {
          var kept = asideBack;
          asideBack = null;
          attach(kept);
        } else {
          fetchAnswer();
        }
        return;
      }
      if (!back.hidden) { return; }
      back.hidden = false;
      var showLink = byId("show-answer");
      if (showLink) { showLink.parentNode.hidden = true; }
      back.focus();
    }

    function prefetch() {
      var id = currentCardId();
      if (!main || !id || !window.fetch) { return; }
      prefetched = null;
      prefetchedFor = id;
      var url = main.getAttribute("data-next-url") + "&after=" + encodeURIComponent(id);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (prefetchedFor === id) { prefetched = data; } })
        .catch(function () { /* no prefetch: the next grade posts the form */ });
    }

    function nativeSubmit(form, button) {
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

    function ready() {
      var next = prefetched;
      return !!(window.fetch && window.FormData && next && !next.done && next.card_id &&
        prefetchedFor === currentCardId() && String(next.card_id) !== currentCardId());
    }

    function sendGrade(form, rating) {
      var fields = new FormData(form);
      fields.set("rating", rating);
      fields.set("duration_ms", String(Date.now() - started));
      // Sent URL-encoded, as the form itself posts without JavaScript, not as multipart FormData: the grade
      // is a few short fields, and a multipart body costs the server a parser built for each request's
      // boundary (about 0.8 ms, a third of a grade's time on the server).
      var body = new URLSearchParams(fields);
      return fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin", keepalive: true,
        headers: { Accept: "application/json" },
      }).then(function (response) {
        if (response.status === 409) {
          // Refused for this card (not due, answered in another window, retired): the student moves on.
          return response.json().then(function (data) {
            return { refused: (data && data.error && data.error.message) || "This grade was not saved." };
          }, function () { return { refused: "This grade was not saved." }; });
        }
        if (!response.ok) { throw new Error("grade refused: " + response.status); }
        return response.json();
      });
    }

    function notify(message) {
      var notice = byId("study-notice");
      if (!notice) {
        var box = document.createElement("div");
        box.className = "flashes";
        box.setAttribute("role", "status");
        notice = document.createElement("p");
        notice.className = "flash";
        notice.id = "study-notice";
        box.appendChild(notice);
        main.parentNode.insertBefore(box, main);
      }
      notice.textContent = message;
    }

    function leaveCardUrl() {
      // The URL of an undo (?card=X) or of a shown answer (?show=1) names the card just graded: a reload
      // must show the next card, not that one again.
      var deckUrl = main && main.getAttribute("data-deck-url");
      if (deckUrl && window.history && window.history.replaceState && window.location.search) {
        window.history.replaceState(null, "", deckUrl);
      }
    }

    // Grade the card on screen: at once when the next card is ready, otherwise by posting the form.
    function grade(form, button) {
      if (submitting || !form || !button) { return; }
      if (!ready()) { nativeSubmit(form, button); return; }
      var request = sendGrade(form, button.value);
      inFlight.push(request);
      request.then(function (answer) {
        inFlight.splice(inFlight.indexOf(request), 1);
        if (answer && answer.refused) { notify(answer.refused); }
        prefetch(); // the grade is saved: the card after the new one can now be chosen
      }, function () {
        window.location.reload();
      });
      var incoming = document.createElement("template");
      incoming.innerHTML = prefetched.html;
      asideBack = incoming.content.getElementById("back");
      if (asideBack) { asideBack.parentNode.removeChild(asideBack); }
      asideFor = String(prefetched.card_id);
      var stale = byId("study-notice");
      if (stale) { stale.parentNode.remove(); } // about the card before: gone with it
      main.replaceChildren(incoming.content);
      leaveCardUrl();
      prefetched = null;
      prefetchedFor = null;
      started = Date.now();
      var showLink = byId("show-answer");
      if (showLink) { showLink.focus(); }
    }

    function undo() {
      var undoForm = byId("undo-form");
      if (!undoForm || submitting) { return; }
      submitting = true;
      Promise.all(inFlight).then(function () {
        submitting = false;
        nativeSubmit(undoForm);
      }, function () { window.location.reload(); });
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("#show-answer") : null;
      if (link) { event.preventDefault(); reveal(); }
    });

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.classList.contains("grade-form") && !submitting) {
        var button = event.submitter;
        if (button && ready()) { event.preventDefault(); grade(form, button); return; }
      }
      if (form.classList.contains("undo-form") && inFlight.length) { event.preventDefault(); undo(); return; }
      submitting = true;
      var duration = form.querySelector("input[name=duration_ms]");
      if (duration && !duration.value) { duration.value = String(Date.now() - started); }
    });

    // The student's setting (WCAG 2.1.4): with shortcuts off, single keys do nothing here.
    var shortcuts = !main || main.getAttribute("data-shortcuts") !== "off";

    document.addEventListener("keydown", function (event) {
      if (!shortcuts) { return; }
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
      var tag = (event.target && event.target.tagName) || "";
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) { return; }
      var back = byId("back");
      if (event.key === " " || event.key === "Spacebar") {
        // With the answer shown, Space on a focused button presses it (the browser's own behaviour).
        // Without it in the page yet (kept aside, or fetched when asked for), Space asks for it.
        if (!back || back.hidden) { event.preventDefault(); reveal(); }
        return;
      }
      if (/^[1-4]$/.test(event.key) && back && !back.hidden) {
        event.preventDefault();
        var button = back.querySelector("button.grade-" + event.key);
        grade(button && button.form, button);
        return;
      }
      if (event.key === "u" || event.key === "U") {
        if (byId("undo-form")) { event.preventDefault(); undo(); }
      }
    });

    // A deck not yet prepared for today shows a Start form (a GET never writes): send it at once, unless
    // this tab sent it moments ago for this deck (then the button waits for the student, not a loop).
    var startForm = byId("start-form");
    if (startForm) {
      var key = "casewise-study-start:" + startForm.getAttribute("data-deck");
      var last = 0;
      try { last = Number(window.sessionStorage.getItem(key)) || 0; } catch (e) { last = 0; }
      if (Date.now() - last > 10000) {
        try { window.sessionStorage.setItem(key, String(Date.now())); } catch (e) { /* private mode */ }
        nativeSubmit(startForm);
      }
      return;
    }

    prefetch();
  });
})();
