// Live turnout for staff and council. Progressive enhancement: a reload shows the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
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
