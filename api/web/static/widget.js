/*
 * The clinic assistant's chat widget. Embed it on any page of the clinic's site with one tag:
 *
 *   <script src="https://<where this file is served>/static/widget.js"
 *           data-assistant-url="https://<the assistant's Rasa server>" defer></script>
 *
 * It loads rasa-webchat from the same place as this file (no CDN), connects over socket.io, and
 * adds what the widget lacks: labels for screen readers, a live region for new messages, and
 * links that open outside the chat. The conversation id is issued by the server and kept in
 * sessionStorage, so it survives a reload and navigation within the site and ends with the tab.
 *
 * When the assistant is unreachable (the socket disconnected or never connected) or does not
 * answer a message within ANSWER_WAIT_MS, a notice says so with the clinic's phone and the crisis
 * lines (its text is the tag's data-offline-text); socket.io reconnects on its own, messages
 * typed meanwhile are sent then, and the notice goes when the assistant is back.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var data = script.dataset;
  var assistantUrl = (data.assistantUrl || "").replace(/\/+$/, "");
  var base = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");

  function label(root) {
    var pairs = [
      [".rw-close-button", "Close the chat"],
      [".rw-new-message", "Your message"],
      [".rw-send", "Send"],
    ];
    pairs.forEach(function (p) {
      root.querySelectorAll(p[0]).forEach(function (el) { el.setAttribute("aria-label", p[1]); });
    });
    // The launcher toggles: its label says what pressing it will do.
    root.querySelectorAll(".rw-launcher").forEach(function (el) {
      var open = !!el.querySelector(".rw-close-launcher");
      el.setAttribute("aria-label", open ? "Close the chat" : "Open the chat with the clinic's assistant");
      el.setAttribute("aria-expanded", open ? "true" : "false");
    });
    root.querySelectorAll(".rw-messages-container").forEach(function (el) {
      el.setAttribute("role", "log");
      el.setAttribute("aria-live", "polite");
      el.setAttribute("aria-label", "Conversation");
    });
    // Quick replies are <div>s in rasa-webchat: make them buttons for keyboards and readers.
    root.querySelectorAll(".rw-reply:not([role])").forEach(function (el) {
      el.setAttribute("role", "button");
      el.setAttribute("tabindex", "0");
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          el.click();
        }
      });
    });
    root.querySelectorAll(".rw-message a[href^='http']").forEach(function (a) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    });
  }

  // rasa-webchat renders itself into this element, appended to <body>.
  var ROOT_ID = "rasaWebchatPro";
  var ANSWER_WAIT_MS = 10000;
  var OFFLINE_ID = "assistant-offline";
  var answerTimer = null;
  var visitorMessages = 0;

  function showOffline() {
    if (document.getElementById(OFFLINE_ID)) { return; }
    var note = document.createElement("div");
    note.id = OFFLINE_ID;
    note.className = "assistant-offline";
    note.setAttribute("role", "alert");
    note.textContent = data.offlineText ||
      "The assistant is not answering right now. If you are in crisis, call or text 988, or call 911.";
    document.body.appendChild(note);
  }

  function hideOffline() {
    var note = document.getElementById(OFFLINE_ID);
    if (note) { note.remove(); }
  }

  function answered() {
    clearTimeout(answerTimer);
    answerTimer = null;
    hideOffline();
  }

  // A new visitor bubble starts the wait for an answer; any answer ends it.
  function watchForAnswer(root) {
    var count = root.querySelectorAll(".rw-client").length;
    if (count > visitorMessages && answerTimer === null) {
      answerTimer = setTimeout(showOffline, ANSWER_WAIT_MS);
    }
    visitorMessages = count;
  }

  function start() {
    window.WebChat.default({
      socketUrl: assistantUrl,
      socketPath: "/socket.io/",
      initPayload: "/greet",
      title: data.title || "Clinic assistant",
      subtitle: "Automated assistant · not for emergencies",
      inputTextFieldHint: "Type your question…",
      showMessageDate: false,
      params: { storage: "session" },
      customData: {},
      onSocketEvent: {
        connect: hideOffline,
        disconnect: showOffline,
        connect_error: showOffline,
        bot_uttered: answered,
      },
    }, null);
    var observer = new MutationObserver(function () {
      var root = document.getElementById(ROOT_ID);
      if (root) {
        label(root);
        watchForAnswer(root);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }

  var bundle = document.createElement("script");
  bundle.src = base + "/vendor/webchat.js";
  bundle.onload = start;
  bundle.onerror = function () {
    var note = document.createElement("p");
    note.setAttribute("role", "status");
    note.textContent = "The chat could not load. Please call the clinic.";
    document.body.appendChild(note);
  };
  document.head.appendChild(bundle);
})();
