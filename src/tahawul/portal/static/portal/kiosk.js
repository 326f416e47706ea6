/* Kiosk mode (docs/kiosk.md): the on-screen keypads, the idle timer, the heartbeat and the timed
   return to the start. Served by the platform itself: the content security policy forbids inline
   script. Without it the kiosk still works: fields take a keyboard and the server wipes idle sessions. */
(function () {
  "use strict";

  var body = document.body;
  var touched = false; // someone used the screen since the last heartbeat

  function number(name) {
    return Number(body.getAttribute(name) || 0);
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // --- keypads: each types into the field it names; the system's keyboard stays away ---------
  function typeKey(input, key) {
    var value = input.value;
    if (key === "delete") {
      value = value.slice(0, -1);
    } else if (key === "clear") {
      value = "";
    } else if (key.length > 1) {
      value = key; // a reference's prefix starts it afresh
    } else if (input.maxLength < 0 || value.length < input.maxLength) {
      value += key;
    }
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-keypad-for]"), function (pad) {
    var input = document.getElementById(pad.getAttribute("data-keypad-for"));
    if (!input) {
      return;
    }
    var echo = pad.querySelector("[data-keypad-echo]"); // what was typed, read out by a screen reader
    pad.hidden = false;
    input.setAttribute("inputmode", "none");
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (key) {
        typeKey(input, key.getAttribute("data-key"));
        echo.textContent = input.value.split("").join(" ");
      }
    });
  });

  // --- the heartbeat: the kiosk is alive; "active" keeps the person's session alive too -------
  var beatUrl = body.getAttribute("data-heartbeat-url");

  function beat() {
    if (!beatUrl) {
      return;
    }
    var form = new URLSearchParams({ active: touched ? "1" : "0" });
    touched = false;
    fetch(beatUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }, body: form })
      .then(function (response) {
        if (response.redirected) {
          window.location.assign(response.url); // the server wiped the session: show the start
        }
      })
      .catch(function () {});
  }

  if (beatUrl && number("data-heartbeat-seconds") > 0) {
    window.setInterval(beat, number("data-heartbeat-seconds") * 1000);
  }

  // --- the idle timer: warn, count down, then wipe the session and return to the start --------
  var dialog = document.getElementById("kiosk-idle");
  var idleSeconds = number("data-idle-seconds");
  var idleTimer = null;
  var countdown = null;

  function warn() {
    var left = number("data-warning-seconds");
    var count = dialog.querySelector("[data-idle-count]");
    count.textContent = String(left);
    dialog.showModal();
    dialog.querySelector("[data-idle-continue]").focus();
    countdown = window.setInterval(function () {
      left -= 1;
      count.textContent = String(Math.max(left, 0));
      if (left <= 0) {
        window.clearInterval(countdown);
        dialog.querySelector("[data-idle-end]").submit();
      }
    }, 1000);
  }

  function restart() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(warn, idleSeconds * 1000);
  }

  function stillHere() {
    window.clearInterval(countdown);
    if (dialog.open) {
      dialog.close();
    }
    touched = true;
    beat();
    restart();
  }

  if (dialog && idleSeconds > 0 && typeof dialog.showModal === "function") {
    ["pointerdown", "keydown", "input", "wheel"].forEach(function (name) {
      document.addEventListener(
        name,
        function () {
          if (!dialog.open) {
            touched = true;
            restart();
          }
        },
        { capture: true, passive: true }
      );
    });
    dialog.querySelector("[data-idle-continue]").addEventListener("click", stillHere);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault(); // Escape means the person is there
      stillHere();
    });
    restart();
  }

  // --- a page that returns to the start by itself (the thanks page) --------------------------
  var returnUrl = body.getAttribute("data-return-url");
  if (returnUrl && number("data-return-seconds") > 0) {
    window.setTimeout(function () {
      window.location.assign(returnUrl);
    }, number("data-return-seconds") * 1000);
  }
})();
