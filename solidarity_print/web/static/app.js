// solidarity-print serve: the live preview of /school and the progress of /roster jobs. The pages work
// without this file; it only saves a click or a refresh.
(function () {
  "use strict";

  function schoolPreview() {
    var form = document.getElementById("school-form");
    var section = document.getElementById("preview");
    if (!form || !section || !window.fetch || !window.FormData) return;
    var images = document.getElementById("preview-images");
    var status = document.getElementById("preview-status");
    var timer = null, latest = 0, pending = null;

    function show(list) {
      var figures = list.map(function (image) {
        var figure = document.createElement("figure");
        figure.className = "preview-" + image.name;
        var img = document.createElement("img");
        img.src = image.url;
        img.alt = image.alt;
        figure.appendChild(img);
        var caption = document.createElement("figcaption");
        caption.textContent = image.caption || "";
        if (image.caption) figure.appendChild(caption);
        return figure;
      });
      images.replaceChildren.apply(images, figures);
    }

    function update() {
      var name = form.elements.namedItem("name");
      if (!name || !name.value.trim()) return;
      var ticket = ++latest;
      section.classList.add("is-working");
      status.textContent = section.dataset.working;
      pending = window.AbortController ? new AbortController() : null;
      fetch(form.dataset.preview, { method: "POST", body: new FormData(form), credentials: "same-origin",
                                    signal: pending ? pending.signal : undefined })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (ticket !== latest) return;  // a newer preview is on its way
          section.classList.remove("is-working");
          if (data.ok) {
            show(data.images);
            status.textContent = "";
          } else {
            status.textContent = section.dataset.failed + " " + data.problems.map(function (p) { return p.message; }).join(" ");
          }
        })
        .catch(function () {
          if (ticket !== latest) return;
          section.classList.remove("is-working");
          status.textContent = section.dataset.failed;
        });
    }

    function later() {
      // Typed again: the preview on its way shows what is no longer there. Aborting it lets the
      // server skip drawing it (it checks that the page still waits before a worker starts).
      if (pending) pending.abort();
      pending = null;
      latest++;
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 600);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  function jobProgress() {
    var job = document.getElementById("job");
    if (!job || !window.fetch) return;
    var state = job.dataset.state;
    if (state !== "queued" && state !== "running") return;
    function poll() {
      fetch(job.dataset.status, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (s) {
          if (s.state !== state) { window.location.reload(); return; }
          var progress = document.getElementById("job-progress");
          progress.max = s.files_total || 1;
          progress.value = s.files_done;
          document.getElementById("job-schools").textContent = s.schools_done + " / " + s.schools;
          document.getElementById("job-files").textContent = s.files_done + " / " + (s.files_total || "—");
          var rate = document.getElementById("job-rate");
          rate.textContent = rate.dataset.template.replace("{rate}", s.rate);
          var left = document.getElementById("job-left");
          if (s.seconds_left !== null) {
            var minutes = Math.floor(s.seconds_left / 60), seconds = s.seconds_left % 60;
            left.textContent = minutes ? minutes + " min " + String(seconds).padStart(2, "0") + " s" : seconds + " s";
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();  // keyboard and screen-reader users start at the list of problems
    schoolPreview();
    jobProgress();
  });
})();
