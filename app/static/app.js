// Casewise: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Bring a highlighted sentence (?s=p3s2) into view.
  document.addEventListener("DOMContentLoaded", function () {
    var hl = document.querySelector(".highlight");
    if (hl) { hl.scrollIntoView({ block: "center" }); }
  });
})();
