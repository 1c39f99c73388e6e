// suitability: small progressive enhancements. Every page works without this script: the
// server decides what is shown and checks every answer; this only shows it sooner.
"use strict";

(function () {
  var suitability = (window.suitability = window.suitability || {});

  // ---------------------------------------------------------------- show-if
  // The questionnaire's condition language, evaluated as Condition.holds does on the server
  // (suitability/questionnaire.py): a comparison on a question with no answer does not hold,
  // and `not` then turns it around. Values are as the server keeps them: a choice id, a list of
  // choice ids, a number, an ISO date, text, or "not_sure" / "prefer_not_to_say".

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // Python's == between two answer values (text, numbers, lists of text).
  function same(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
        return false;
      }
      for (var i = 0; i < a.length; i += 1) {
        if (!same(a[i], b[i])) {
          return false;
        }
      }
      return true;
    }
    return a === b;
  }

  function holds(cond, values) {
    if (has(cond, "all")) {
      return cond.all.every(function (c) { return holds(c, values); });
    }
    if (has(cond, "any")) {
      return cond.any.some(function (c) { return holds(c, values); });
    }
    if (has(cond, "not")) {
      return !holds(cond.not, values);
    }
    var value = has(values, cond.question) ? values[cond.question] : null;
    if (value === undefined) {
      value = null;
    }
    if (has(cond, "answered")) {
      return (value !== null) === cond.answered;
    }
    if (value === null) {
      return false;
    }
    if (has(cond, "equals")) {
      return same(value, cond.equals);
    }
    if (has(cond, "one_of")) {
      return cond.one_of.some(function (w) { return same(value, w); });
    }
    if (has(cond, "any_of")) {
      return Array.isArray(value) && cond.any_of.some(function (w) { return value.indexOf(w) >= 0; });
    }
    if (typeof value !== "number") {
      return false;
    }
    if (has(cond, "lt")) { return value < cond.lt; }
    if (has(cond, "lte")) { return value <= cond.lte; }
    if (has(cond, "gt")) { return value > cond.gt; }
    if (has(cond, "gte")) { return value >= cond.gte; }
    return false;
  }
  suitability.holds = holds;

  // ---------------------------------------------------------------- reading the page's answers

  var NUMBER = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
  var NUMERIC_DATE = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/;
  var ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  var SPECIALS = { "not sure": "not_sure", "not_sure": "not_sure",
    "prefer not to say": "prefer_not_to_say", "prefer_not_to_say": "prefer_not_to_say" };

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // Typed text as the server reads it (Kind.typed), for the conditions that compare it.
  function typedValue(kind, text, monthFirst) {
    var stripped = text.trim();
    if (!stripped) {
      return null;
    }
    if (kind === "text") {
      return stripped;
    }
    var word = stripped.toLowerCase().replace(/\s+/g, " ");
    if (has(SPECIALS, word)) {
      return SPECIALS[word];
    }
    if (kind === "date") {
      var match = NUMERIC_DATE.exec(stripped);
      if (match) {
        var first = Number(match[1]);
        var second = Number(match[2]);
        var month = monthFirst ? first : second;
        var day = monthFirst ? second : first;
        return match[3] + "-" + pad(month) + "-" + pad(day);
      }
      return ISO_DATE.test(stripped) ? stripped : null;
    }
    return NUMBER.test(stripped) ? Number(stripped) : null;
  }

  function answerOf(box) {
    var kind = box.getAttribute("data-kind");
    var id = box.getAttribute("data-question");
    var inputs = box.querySelectorAll("input, textarea");
    var ticked = [];
    var typed = null;
    var type = null;
    for (var i = 0; i < inputs.length; i += 1) {
      var input = inputs[i];
      if (input.name === id && (input.type === "radio" || input.type === "checkbox")) {
        type = input.type;
        if (input.checked) {
          ticked.push(input.value);
        }
      } else if (input.name === id) {
        typed = input.value;
      } else if (input.name === id + ".special" && input.checked) {
        ticked.push(input.value);
      }
    }
    if (type === "radio") {
      return ticked.length ? ticked[0] : null;
    }
    if (type === "checkbox") {
      if (!ticked.length) {
        return null;
      }
      return ticked.length === 1 && has(SPECIALS, ticked[0]) ? ticked[0] : ticked;
    }
    if (ticked.length === 1 && !(typed || "").trim()) {
      return ticked[0];
    }
    var form = box.closest("form");
    var monthFirst = form !== null && form.getAttribute("data-month-first") === "true";
    return typedValue(kind, typed || "", monthFirst);
  }

  // Question by question in page order, as the server reads a posted page: a question shows
  // when its condition holds on the answers before it, and a hidden one has no answer.
  function applyShowIf(form, announce) {
    var values = {};
    try {
      values = JSON.parse(form.getAttribute("data-known") || "{}");
    } catch (e) {
      values = {};
    }
    var boxes = form.querySelectorAll("[data-question]");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      var condition = box.getAttribute("data-show-if");
      var shown = true;
      if (condition) {
        shown = holds(JSON.parse(condition), values);
      }
      if (box.hidden === shown) {
        box.hidden = !shown;
        if (shown && announce) {
          var label = box.querySelector("legend, label");
          announce("A new question appeared: " + (label ? label.textContent.trim() : ""));
        }
      }
      var id = box.getAttribute("data-question");
      var answer = shown ? answerOf(box) : null;
      if (answer !== null) {
        values[id] = answer;
      } else {
        delete values[id];
      }
    }
  }
  suitability.applyShowIf = applyShowIf;

  // ---------------------------------------------------------------- the page

  function liveRegion(form) {
    var region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    form.appendChild(region);
    return function (text) {
      region.textContent = text;
    };
  }

  // A box that is an answer on its own ("None of these", "Not sure") unticks the others of
  // its group, and ticking another unticks it: the combinations the server would refuse.
  function exclusiveTicks(form) {
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "checkbox" || !input.checked) {
        return;
      }
      var group = form.querySelectorAll("input[type=checkbox]");
      var alone = input.hasAttribute("data-alone");
      for (var i = 0; i < group.length; i += 1) {
        var other = group[i];
        if (other !== input && other.name === input.name && other.checked &&
            (alone || other.hasAttribute("data-alone"))) {
          other.checked = false;
        }
      }
    });
  }

  function start() {
    document.documentElement.classList.add("js");
    var forms = document.querySelectorAll("form.questions");
    for (var i = 0; i < forms.length; i += 1) {
      (function (form) {
        var announce = liveRegion(form);
        exclusiveTicks(form);
        applyShowIf(form, null);
        var update = function () { applyShowIf(form, announce); };
        form.addEventListener("change", update);
        form.addEventListener("input", update);
      })(forms[i]);
    }
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
    var printers = document.querySelectorAll("[data-print]");
    for (var j = 0; j < printers.length; j += 1) {
      printers[j].hidden = false;
      printers[j].addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
