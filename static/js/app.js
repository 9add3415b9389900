// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // Move focus to the error summary so screen-reader and keyboard users hear what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
