// Free seats update live on the programme page and on a dinner's page. Progressive
// enhancement: without JavaScript or websockets a reload shows the same numbers.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-live-seats]");
    if (!root || !("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/dinners/" + root.dataset.liveSeats + "/");
    socket.onopen = function () { root.dataset.liveConnected = "true"; };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.event !== "dinner.seats") return;
      var p = data.payload;
      document.querySelectorAll('[data-dinner-free="' + p.dinner + '"]').forEach(function (node) {
        node.textContent = String(p.free);
      });
      document.querySelectorAll('[data-dinner-waiting="' + p.dinner + '"]').forEach(function (node) {
        node.textContent = String(p.waiting);
      });
    };
  });
})();
