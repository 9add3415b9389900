// Live turnout for staff and council, and the council told when the count is done.
// Progressive enhancement: a reload shows the same.
(function () {
  "use strict";
  // While an election is being counted, ask its comparison every 10 s (the API answers 202
  // while counting) and say when it is done, with a link to show it. No reload by itself:
  // the council member may be typing their comment.
  function pollCount(box) {
    var timer = window.setInterval(function () {
      fetch(box.dataset.countPoll, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (response.status === 202) return;
          window.clearInterval(timer);
          if (!response.ok) return;
          box.querySelector("[data-count-running]").hidden = true;
          box.querySelector("[data-count-done]").hidden = false;
        })
        .catch(function () { /* offline for a moment: ask again next time */ });
    }, 10000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-count-poll]").forEach(pollCount);
    var box = document.querySelector("[data-live-turnout]");
    if (!box || !("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/budgets/" + box.dataset.liveTurnout + "/turnout/");
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.event === "turnout.changed") {
        box.querySelector("[data-turnout-count]").textContent = String(data.payload.voters);
      }
    };
  });
})();
