// Interactive study sheet: word popups, sentence pairing, toggles, self-test. Works without it.
(function () {
  "use strict";
  // Display settings follow the reader from sheet to sheet; a self-test belongs to one sheet
  // (every file:// page shares one storage, so the key names the sheet).
  var KEY = "reader-settings";
  var SELF = "reader-selftest:" + location.pathname;
  var PERSONAL = { selftest: SELF };
  var body = document.body;
  var toolbar = document.querySelector(".toolbar");
  var popup = document.getElementById("popup");
  var saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(KEY) || "{}") || {};
    delete saved.selftest;
    saved.selftest = localStorage.getItem(SELF) === "true";
  } catch (e) { saved = {}; }

  function setFlag(name, on) {
    body.classList.toggle(name, on);
    var button = toolbar.querySelector('[data-toggle="' + name + '"]');
    if (button) {
      // "Pinyin" and "English" buttons show what is visible; the others what is on.
      var shown = name.indexOf("hide-") === 0 ? !on : on;
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    }
  }
  function save() {
    var state = {};
    try {
      toolbar.querySelectorAll("[data-toggle]").forEach(function (b) {
        var name = b.getAttribute("data-toggle");
        if (PERSONAL[name]) {
          localStorage.setItem(PERSONAL[name], body.classList.contains(name) ? "true" : "false");
        } else {
          state[name] = body.classList.contains(name);
        }
      });
      localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) { /* private mode */ }
  }
  toolbar.hidden = false;
  toolbar.querySelectorAll("[data-toggle]").forEach(function (button) {
    var name = button.getAttribute("data-toggle");
    setFlag(name, name in saved ? !!saved[name] : body.classList.contains(name));
    button.addEventListener("click", function () {
      setFlag(name, !body.classList.contains(name));
      if (name === "selftest") {
        document.querySelectorAll(".shown").forEach(function (el) { el.classList.remove("shown"); });
      }
      save();
    });
  });

  // The title attribute is the no-script fallback; with script the popup shows it on tap.
  document.querySelectorAll(".w[title]").forEach(function (w) {
    w.setAttribute("data-tip", w.getAttribute("title"));
    w.removeAttribute("title");
  });
  function showPopup(word) {
    var parts = word.getAttribute("data-tip").split("\n");
    popup.textContent = "";
    parts.forEach(function (line, i) {
      var div = document.createElement("div");
      div.className = i === 0 ? "pp" : "pd";
      div.textContent = line;
      popup.appendChild(div);
    });
    popup.hidden = false;
    var r = word.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - popup.offsetWidth - 8));
    popup.style.top = top + "px";
    popup.style.left = left + "px";
  }
  function pair(sentence) {
    document.querySelectorAll(".s.hl").forEach(function (el) { el.classList.remove("hl"); });
    var row = sentence.closest(".row");
    if (!row) { return; }
    row.querySelectorAll('.s[data-i="' + sentence.getAttribute("data-i") + '"]').forEach(function (el) {
      el.classList.add("hl");
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest(".toolbar") || target.closest(".popup")) { return; }
    var word = target.closest(".w");
    if (body.classList.contains("selftest")) {
      var hidden = target.closest(".w, .en .s");
      if (hidden && !hidden.classList.contains("shown")) {
        hidden.classList.add("shown");
        return;
      }
    }
    if (word && word.hasAttribute("data-tip")) {
      showPopup(word);
    } else {
      popup.hidden = true;
    }
    var sentence = target.closest(".s");
    if (sentence) { pair(sentence); }
  });
  document.addEventListener("mouseover", function (event) {
    var word = event.target.closest && event.target.closest(".w");
    if (word && word.hasAttribute("data-tip") && !body.classList.contains("selftest")) { showPopup(word); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { popup.hidden = true; }
  });
})();
