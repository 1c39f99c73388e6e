// suitability, kiosk mode: the idle warning and timeout of a shared tablet, and nothing of one
// patient left for the next. Without this script, a meta refresh (in <noscript>) still ends an
// idle page, without the warning.
"use strict";
(function () {
  // A page brought back from the back-forward cache is fetched again, so that the server,
  // which knows whether its session has ended, decides what it shows.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });
  // Belt and braces: nothing typed here is offered to the next person by autofill.
  document.querySelectorAll("form, input, textarea, select").forEach(function (element) {
    element.setAttribute("autocomplete", "off");
  });

  var idle = document.getElementById("kiosk-idle");
  var dialog = document.getElementById("kiosk-warning");
  var countdown = document.getElementById("kiosk-countdown");
  var carryOn = document.getElementById("kiosk-carry-on");
  if (!idle || !dialog || !countdown || !carryOn) {
    return;
  }
  var timeout = Number(idle.dataset.timeout) * 1000;
  var warning = Number(idle.dataset.warning) * 1000;
  var leaveUrl = idle.dataset.url;
  var aliveUrl = idle.dataset.alive;
  var csrf = idle.dataset.csrf;
  // The server ends a session idle as long as the timeout: activity here is told to it, at
  // most this often, so that a patient typing a long answer is not cut off.
  var pingEvery = Math.min(30000, timeout / 4);
  var lastActivity = Date.now();
  var lastPing = Date.now();
  var untold = false;
  var leaving = false;

  function leave() {
    if (!leaving) {
      leaving = true;
      window.location.replace(leaveUrl);
    }
  }

  function ping() {
    untold = false;
    lastPing = Date.now();
    if (!aliveUrl) {
      return;
    }
    var body = new URLSearchParams();
    body.set("csrf", csrf);
    fetch(aliveUrl, { method: "POST", body: body, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 410) {
          leave();
        }
      })
      .catch(function () {
        // The server is out of reach: the page's own timer still ends it.
      });
  }

  function active() {
    if (dialog.open) {
      return; // once warned, only the button carries on
    }
    lastActivity = Date.now();
    untold = true;
  }

  function carry() {
    if (dialog.open) {
      dialog.close();
    }
    lastActivity = Date.now();
    ping();
  }

  ["pointerdown", "keydown", "input", "scroll", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, active, { capture: true, passive: true });
  });
  carryOn.addEventListener("click", carry);
  dialog.addEventListener("cancel", function (event) {
    // Escape closes the warning as the button does: the person is there.
    event.preventDefault();
    carry();
  });

  window.setInterval(function () {
    var now = Date.now();
    var quiet = now - lastActivity;
    if (quiet >= timeout) {
      leave();
      return;
    }
    if (untold && now - lastPing >= pingEvery) {
      ping();
    }
    if (quiet >= timeout - warning) {
      countdown.textContent = String(Math.ceil((timeout - quiet) / 1000));
      if (!dialog.open) {
        dialog.showModal();
        carryOn.focus();
      }
    }
  }, 1000);
})();
