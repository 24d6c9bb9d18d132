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
