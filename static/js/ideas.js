// Live updates (of ideas, and of the comments on budget projects) and similar-idea
// suggestions. Progressive enhancement: without this file every page works, and a reload
// shows the same numbers.
(function () {
  "use strict";

  function socket(path, onEvent) {
    if (!("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var retry = 1000;
    function open() {
      var ws = new WebSocket(scheme + location.host + path);
      ws.onmessage = function (message) {
        var data = JSON.parse(message.data);
        onEvent(data.event, data.payload);
      };
      ws.onopen = function () { retry = 1000; };
      ws.onclose = function (event) {
        if (event.code === 4403) return;
        setTimeout(open, retry);
        retry = Math.min(retry * 2, 60000);
      };
    }
    open();
  }

  function updateCounts(payload) {
    var pairs = [["support", payload.support_count], ["comment", payload.comment_count]];
    pairs.forEach(function (pair) {
      document.querySelectorAll('[data-count="' + pair[0] + '"][data-idea="' + payload.idea + '"]')
        .forEach(function (node) { node.textContent = String(pair[1]); });
      // The word after it, in the plural form for the new number (Danish, English and
      // Norwegian have two: one, and every other number).
      document.querySelectorAll('[data-count-word="' + pair[0] + '"][data-idea="' + payload.idea + '"]')
        .forEach(function (node) {
          node.textContent = node.getAttribute(pair[1] === 1 ? "data-one" : "data-other");
        });
    });
  }

  function announce(text, href, linkText) {
    var box = document.getElementById("live-announcement");
    if (!box) {
      box = document.createElement("p");
      box.id = "live-announcement";
      box.setAttribute("role", "status");
      box.className = "alert alert-info";
      var main = document.getElementById("main-content");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text + " ";
    var link = document.createElement("a");
    link.href = href || location.href;
    link.textContent = linkText;
    box.appendChild(link);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var idea = document.querySelector("[data-live-idea]");
    if (idea) {
      socket("/ws/ideas/" + idea.dataset.liveIdea + "/", function (event, payload) {
        if (event === "idea.counts") updateCounts(payload);
        if (event === "comment.new") {
          announce(idea.dataset.newComment, location.pathname + "?new=" + payload.comment + "#comment-" + payload.comment, idea.dataset.showIt);
        }
      });
    }
    // A budget project's page hears its new comments as an idea's page does (budgets.events).
    var project = document.querySelector("[data-live-project]");
    if (project) {
      socket("/ws/budgets/projects/" + project.dataset.liveProject + "/", function (event, payload) {
        if (event === "comment.new") {
          announce(project.dataset.newComment, location.pathname + "?new=" + payload.comment + "#comment-" + payload.comment, project.dataset.showIt);
        }
      });
    }
    var campaign = document.querySelector("[data-live-campaign]");
    if (campaign) {
      socket("/ws/campaigns/" + campaign.dataset.liveCampaign + "/", function (event, payload) {
        if (event === "idea.counts") updateCounts(payload);
      });
    }
    // A list across campaigns listens to the campaigns on the page (at most a few sockets).
    if (document.querySelector("[data-live-list]")) {
      var seen = {};
      document.querySelectorAll("[data-idea-campaign]").forEach(function (card) {
        var id = card.dataset.ideaCampaign;
        if (seen[id] || Object.keys(seen).length >= 5) return;
        seen[id] = true;
        socket("/ws/campaigns/" + id + "/", function (event, payload) {
          if (event === "idea.counts") updateCounts(payload);
        });
      });
    }
    var queue = document.querySelector("[data-live-queue]");
    if (queue) {
      socket("/ws/moderation/" + queue.dataset.liveQueue + "/", function () { queue.hidden = false; });
    }
    var similar = document.getElementById("similar-ideas");
    var title = document.querySelector("[data-similar-source]");
    if (similar && title) {
      var timer = null;
      title.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var url = similar.dataset.similarUrl + "?q=" + encodeURIComponent(title.value);
          fetch(url, { credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.text() : ""; })
            .then(function (html) { similar.innerHTML = html; });
        }, 350);
      });
    }
  });
})();
