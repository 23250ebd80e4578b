// Copy buttons: a button with data-copy="#an-input" puts the input's value on the clipboard
// and says so (its data-copied text, in green) for two seconds. The Clipboard API needs a secure
// context (https, or the machine itself); over plain http on the station's network the
// input's text is selected and copied the older way. Without JavaScript the link can still
// be selected by hand in its read-only box.
(function () {
  "use strict";

  function say(button) {
    button.dataset.label = button.dataset.label || button.textContent;
    button.textContent = button.dataset.copied;
    button.classList.replace("btn-outline-primary", "btn-success");
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(function () {
      button.textContent = button.dataset.label;
      button.classList.replace("btn-success", "btn-outline-primary");
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.querySelector(button.dataset.copy);
    if (!input) return;
    function byHand() {
      input.focus();
      input.select();
      if (document.execCommand("copy")) say(button);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { say(button); }, byHand);
    } else {
      byHand();
    }
  });
})();
