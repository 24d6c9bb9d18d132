// Move focus to the filter errors, so a screen reader announces what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const errors = document.getElementById("filter-errors");
  if (errors) errors.focus();
});
