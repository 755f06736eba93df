// The job progress page: polls /jobs/<id>.json every second until the job is done or failed, then shows
// the download link or the error. Without JavaScript the page refreshes itself (noscript meta refresh).
(function () {
  "use strict";
  const panel = document.querySelector("[data-job-status-url]");
  if (!panel) return;
  const url = panel.dataset.jobStatusUrl;
  const $ = (selector) => panel.querySelector(selector);
  const STATES = { queued: "Waiting for a worker to start the job…", done: "Done.", failed: "The job failed." };

  function show(status) {
    panel.dataset.state = status.state;
    $(".job-state").textContent =
      status.state === "running" ? "Running" + (status.message ? ": " + status.message : "") + "…" : STATES[status.state];
    $(".job-progress").value = status.percent;
    $(".job-progress").textContent = status.percent + "%";
    $(".job-count").textContent = status.total
      ? status.done.toLocaleString("en") + " of " + status.total.toLocaleString("en")
      : "";
    const error = $(".job-error");
    error.textContent = status.error || "";
    error.hidden = !status.error;
    const download = $(".job-download");
    if (status.download_url) {
      const link = download.querySelector("a");
      link.href = status.download_url;
      link.textContent = "Download " + status.filename;
      download.querySelector(".job-size").textContent = "(" + status.size.toLocaleString("en") + " bytes)";
    }
    download.hidden = !status.download_url;
    $(".job-reload").hidden = status.state === "done" || status.state === "failed";
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((status) => {
        show(status);
        if (status.state === "queued" || status.state === "running") setTimeout(poll, 1000);
        else if (status.result) window.location.reload(); // a JSON result is listed by the page itself
      })
      .catch(() => setTimeout(poll, 5000));
  }

  if (panel.dataset.state === "queued" || panel.dataset.state === "running") setTimeout(poll, 1000);
})();
