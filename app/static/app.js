// Casewise: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Bring a highlighted sentence (?s=p3s2) into view.
  document.addEventListener("DOMContentLoaded", function () {
    var hl = document.querySelector(".highlight");
    if (hl) { hl.scrollIntoView({ block: "center" }); }
  });
  // A form with data-confirm asks first (removing a student); without JavaScript it submits as is.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
