// Small enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen reader and keyboard users hear what went wrong.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // A second click on a submit button while the first is on its way sends nothing more
  // (the server would answer with the same receipt anyway).
  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", () => {
      const button = form.querySelector("[data-prevent-double-submit]");
      if (button) setTimeout(() => { button.disabled = true; }, 0);
    });
  });
});
