// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // The mobile menu is a <details> (it works without this file); Escape closes it, as a
  // menu's users expect, and gives the focus back to its button.
  var menu = document.querySelector("details.hoest-menu");
  if (menu) {
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
  // Move focus to the error summary so screen-reader and keyboard users hear what to fix.
  // A signed-in person's own notifications (new status on an idea they follow, ...).
  if (document.body.dataset.notifications && "WebSocket" in window) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (!data.payload || !data.payload.message) return;
      var box = document.getElementById("live-notifications");
      var note = document.createElement("p");
      note.className = "alert alert-info";
      var link = document.createElement("a");
      link.href = data.payload.url || "#";
      link.textContent = data.payload.message;  // text, never markup
      note.appendChild(link);
      box.appendChild(note);
    };
  }
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
