// The ballot's live bar: while a person chooses, what is chosen, what is left of the budget
// (or of the points, or of the places), and a warning before a ballot over the limit is
// sent. Progressive enhancement: without this file the bar stays hidden and the server says
// the same after submitting. The texts come translated from the page (_ballot_bar.html).
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function grouped(number, separator) {
    // As the server writes amounts (budgets.ballots.money): digits in groups of three.
    var digits = String(Math.abs(number));
    var out = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
    return (number < 0 ? "-" : "") + out;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-ballot-form]");
    var bar = form && form.querySelector("[data-ballot-bar]");
    if (!bar) return;
    var data = bar.dataset;
    var kind = data.kind;
    var limit = parseInt(data.limit, 10) || 0;
    var max = parseInt(data.max, 10) || 0;
    var text = bar.querySelector("[data-bar-text]");
    var warning = bar.querySelector("[data-bar-warning]");
    var warningText = bar.querySelector("[data-bar-warning-text]");
    var fillBar = bar.querySelector("[data-bar-fill]");
    var money = function (amount) { return grouped(amount, data.thousands || ".") + " " + data.unit; };
    var lastText = "";
    // "kr." ends a sentence with its own full stop: never "100.000 kr.." (as the pages write it).
    var sentence = function (out) {
      return /\.$/.test(data.unit || "") ? out.split(data.unit + ".").join(data.unit) : out;
    };

    function state() {
      var used = 0, count = 0, problem = "";
      if (kind === "approval" || kind === "knapsack") {
        form.querySelectorAll("input[name=projects]").forEach(function (box) {
          if (box.checked) { used += parseInt(box.dataset.cost, 10) || 0; count += 1; }
        });
        var shown = { count: String(count), used: money(used), limit: money(limit), left: money(Math.max(limit - used, 0)) };
        if (kind === "knapsack" && used > limit) {
          problem = fill(data.over, { over: money(used - limit), limit: money(limit) });
        } else if (max && count > max) {
          problem = fill(data.tooMany, { count: String(count), max: String(max) });
        }
        return { text: fill(data.text, shown), used: used, limit: limit, problem: problem };
      }
      if (kind === "cumulative") {
        form.querySelectorAll("input[name^=points_]").forEach(function (input) {
          var n = parseInt(input.value, 10);
          if (n > 0) { used += n; count += 1; }
        });
        if (used > limit) problem = fill(data.over, { over: String(used - limit), limit: String(limit) });
        return { text: fill(data.text, { used: String(used), limit: String(limit), left: String(Math.max(limit - used, 0)) }),
                 used: used, limit: limit, problem: problem };
      }
      var selects = form.querySelectorAll("select[name^=rank_]");
      var seen = {};
      selects.forEach(function (select) {
        if (!select.value) return;
        if (seen[select.value]) problem = data.twice;
        seen[select.value] = true;
        used += 1;
      });
      return { text: fill(data.text, { used: String(used), limit: String(selects.length), left: String(selects.length - used) }),
               used: used, limit: selects.length, problem: problem };
    }

    function show(now) {
      var message = now.problem;
      // Only a change is written, so a screen reader hears each new total once.
      var line = sentence(now.text);
      message = sentence(message);
      if (line !== lastText) { text.textContent = line; lastText = line; }
      if (warningText.textContent !== message) warningText.textContent = message;
      warning.hidden = !message;
      bar.classList.toggle("hoest-budget-bar-over", Boolean(now.problem));
      var share = now.limit ? Math.min(now.used / now.limit, 1) : 0;
      fillBar.style.width = (share * 100).toFixed(1) + "%";
      return message;
    }

    bar.hidden = false;
    show(state());
    form.addEventListener("change", function () { show(state()); });
    form.addEventListener("input", function () { show(state()); });
    form.addEventListener("submit", function (event) {
      // Only a ballot over the limit is held back; anything else the server checks and words.
      if (show(state())) {
        event.preventDefault();
        warning.focus();
      }
    });
  });
})();
