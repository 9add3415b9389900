// Starts allauth's two-factor forms (passkeys, recovery codes) from data-* attributes, as
// allauth's own onload.js does from inline JSON blocks, which Høst's templates avoid.
// <div data-allauth-form="webauthn.forms.addForm" data-allauth-ids='{"add": "…"}'></div>
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-allauth-form]").forEach(function (element) {
      var start = element.dataset.allauthForm.split(".").reduce(function (found, part) {
        return found && found[part];
      }, window.allauth);
      if (typeof start === "function") {
        start({ids: JSON.parse(element.dataset.allauthIds)});
      }
    });
  });
})();
