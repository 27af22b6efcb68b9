// Small progressive enhancements; every page works without JavaScript.
// Buttons and forms with data-confirm ask before they act.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Move focus to an error summary so screen readers announce it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
document.body && document.body.addEventListener("htmx:afterSwap", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
// The installable web app: register the service worker on the tenant's pages (those that link a manifest).
if ("serviceWorker" in navigator && document.querySelector('link[rel="manifest"]')) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // No worker means no offline page; every page still works.
    });
  });
}
