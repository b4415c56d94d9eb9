// reader serve: job progress, the sheet frame, corrections by clicking a word. Plain DOM, no libraries.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var STAGES = { annotate: "Reading words", translate: "Translating sentences", write: "Writing files" };

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(data || {}),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().catch(function () { return { error: "the server answered " + r.status }; });
    });
  }

  // Poll a job until it ends; onUpdate gets each status.
  function follow(id, onUpdate) {
    return new Promise(function (resolve) {
      function tick() {
        fetch("/api/job/" + encodeURIComponent(id), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (s) {
            onUpdate(s);
            if (s.state === "done" || s.state === "failed" || s.error) { resolve(s); } else { setTimeout(tick, 400); }
          })
          .catch(function () { setTimeout(tick, 1000); });
      }
      tick();
    });
  }

  function describe(s) {
    if (s.state === "queued") {
      return "Waiting: " + (s.ahead || 1) + " job(s) run first.";
    }
    var text = (s.step ? s.step + " · " : "") + (STAGES[s.stage] || "Starting");
    if (s.total) { text += ": " + s.done + " / " + s.total; }
    return text;
  }

  // Each time shown in the list in the reader's own time zone.
  document.querySelectorAll("time[data-ts]").forEach(function (t) {
    var d = new Date(parseFloat(t.getAttribute("data-ts")) * 1000);
    t.textContent = d.toLocaleString();
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // The progress page.
  var job = document.getElementById("job");
  if (job && (job.getAttribute("data-state") === "queued" || job.getAttribute("data-state") === "running")) {
    var bar = document.getElementById("job-progress");
    follow(job.getAttribute("data-job"), function (s) {
      document.getElementById("job-state").textContent = s.state === "failed" ? "Failed." : describe(s);
      bar.value = s.total ? s.done / s.total : 0;
      if (s.state === "failed" || s.error) {
        var error = document.getElementById("job-error");
        error.textContent = s.message || s.error;
        error.hidden = false;
      }
    }).then(function (s) {
      if (s.state === "done") { window.location.assign(s.next || "/"); }
    });
  }

  // The sheet page.
  var head = document.getElementById("sheet-head");
  var frame = document.getElementById("sheet");
  if (!head || !frame) { return; }
  var sheetName = head.getAttribute("data-sheet");
  var correcting = false;
  var correct = document.getElementById("correct");
  var undo = document.getElementById("undo");
  var status = document.getElementById("status");
  var dialog = document.getElementById("fix");
  var current = null;
  correct.hidden = false;

  function fit() {
    var doc = frame.contentDocument;
    if (doc && doc.documentElement) {
      frame.style.height = doc.documentElement.scrollHeight + 24 + "px";
    }
  }
  function wordOf(el) {
    // A ruby word: its characters are the text outside <rt>/<rp>.
    var text = "";
    el.childNodes.forEach(function (n) { if (n.nodeType === 3) { text += n.nodeValue; } });
    if (!text) { text = el.textContent; }
    var rt = el.querySelector("rt");
    var reading = "";
    if (rt) {
      var parts = rt.querySelectorAll("span");
      reading = parts.length ? Array.prototype.map.call(parts, function (p) { return p.textContent; }).join(" ") : rt.textContent;
    }
    return { text: text.trim(), reading: reading };
  }
  function attach() {
    var doc = frame.contentDocument;
    if (!doc) { return; }
    fit();
    doc.documentElement.classList.toggle("correcting", correcting);
    doc.addEventListener("click", function (event) {
      if (!correcting) { return; }
      var w = event.target.closest(".w");
      if (!w) { return; }
      // In correction mode a click is a fix, not the sheet's own popup.
      event.preventDefault();
      event.stopPropagation();
      var next = w.nextSibling;
      var nextWord = next && next.nodeType === 1 && next.classList.contains("w") ? wordOf(next).text : "";
      openFix(wordOf(w), nextWord);
    }, true);
    var style = doc.createElement("style");
    style.textContent = ".correcting .w{cursor:pointer;outline:1px dashed rgba(30,90,200,.35);outline-offset:1px}";
    doc.head.appendChild(style);
  }
  frame.addEventListener("load", attach);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") { attach(); }
  window.addEventListener("resize", fit);

  correct.addEventListener("click", function () {
    correcting = !correcting;
    correct.setAttribute("aria-pressed", correcting ? "true" : "false");
    document.getElementById("hint").hidden = !correcting;
    if (frame.contentDocument) { frame.contentDocument.documentElement.classList.toggle("correcting", correcting); }
  });

  function openFix(word, nextWord) {
    current = { word: word.text, next: nextWord };
    document.getElementById("fix-word").textContent = word.text;
    document.getElementById("fix-now").textContent = word.reading || "(no reading shown)";
    document.getElementById("fix-reading").value = word.reading;
    document.getElementById("fix-pieces").value = word.text.split("").join(" ");
    var join = document.getElementById("fix-join");
    join.hidden = !nextWord;
    document.getElementById("fix-next").textContent = nextWord;
    document.getElementById("fix-error").hidden = true;
    document.getElementById("fix-status").textContent = "";
    // The sheet's own word popup opened on the same click: it would sit behind the dialog.
    var popup = frame.contentDocument && frame.contentDocument.getElementById("popup");
    if (popup) { popup.hidden = true; }
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    document.getElementById("fix-reading").focus();
  }
  function closeFix() { if (dialog.close) { dialog.close(); } else { dialog.removeAttribute("open"); } }

  function reload() {
    frame.src = "/files/" + encodeURIComponent(sheetName) + "/html?v=" + Date.now();
  }
  function run(request, where) {
    where.textContent = "Saving…";
    return request.then(function (answer) {
      if (answer.error) { throw new Error(answer.error); }
      return follow(answer.job, function (s) { where.textContent = describe(s); }).then(function (s) {
        if (s.state !== "done") { throw new Error(s.message || s.error || "the sheet could not be re-made"); }
        reload();
        return answer.done;
      });
    });
  }
  function fix(data) {
    var error = document.getElementById("fix-error");
    error.hidden = true;
    data.sheet = sheetName;
    data.word = current.word;
    run(post("/api/fix", data), document.getElementById("fix-status")).then(function (done) {
      closeFix();
      status.textContent = "Fixed: " + done + ". Every later sheet uses it too.";
      undo.hidden = false;
    }).catch(function (e) {
      document.getElementById("fix-status").textContent = "";
      error.textContent = e.message;
      error.hidden = false;
    });
  }
  document.getElementById("fix-save").addEventListener("click", function () {
    fix({ action: "reading", reading: document.getElementById("fix-reading").value });
  });
  document.getElementById("fix-reading").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); document.getElementById("fix-save").click(); }
  });
  document.getElementById("fix-split").addEventListener("click", function () {
    fix({ action: "split", pieces: document.getElementById("fix-pieces").value });
  });
  document.getElementById("fix-join").addEventListener("click", function () {
    fix({ action: "join", next: current.next });
  });
  document.getElementById("fix-cancel").addEventListener("click", closeFix);
  undo.addEventListener("click", function () {
    run(post("/api/undo"), status).then(function (done) {
      status.textContent = done.charAt(0).toUpperCase() + done.slice(1) + ".";
      undo.hidden = true;
    }).catch(function (e) { status.textContent = e.message; });
  });
})();
