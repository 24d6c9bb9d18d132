// Behaviour shared by every public page. No inline script or event handler anywhere (CSP script-src 'self'):
// a form with data-confirm="질문" asks before it is sent.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// A form sent back with errors: move focus to its error summary, so a screen reader reads what went
// wrong; a link in the summary moves focus to its field. Without JavaScript the summary is still first.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    var field = link ? document.getElementById(decodeURIComponent(link.hash.slice(1))) : null;
    if (!field) return;
    event.preventDefault();
    var box = field.closest(".field") || field;
    box.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
