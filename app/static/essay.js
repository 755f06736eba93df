/* Live word count for essay answers: "120 words of 400", red and announced once over the limit.
   Words are runs of non-space characters, as the server counts them (app/qtypes/essay.word_count). */
(function () {
  "use strict";
  function count(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }
  function update(area) {
    var out = document.getElementById(area.id.replace(/-essay$/, "-count"));
    if (!out) { return; }
    var words = count(area.value);
    var limit = parseInt(area.dataset.wordLimit || "0", 10);
    var text = words + (words === 1 ? " word" : " words");
    if (limit) { text += " of " + limit + (words > limit ? " — over the limit by " + (words - limit) : ""); }
    out.textContent = text;
    out.classList.toggle("over", Boolean(limit) && words > limit);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
      update(area);
      area.addEventListener("input", function () { update(area); });
    });
  });
})();
