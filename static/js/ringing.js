// A desk officer's pages ask cases:ringing every few seconds (data-every) whether the
// telephone system reported a call at their desk. If so, the intake form opens for it,
// unless the officer is writing in a form on this page: then a notice offers to open it.
(function () {
  "use strict";
  var box = document.getElementById("ringing");
  if (!box) return;
  var every = parseInt(box.dataset.every, 10) * 1000 || 3000;
  var writing = false;
  document.addEventListener("input", function (event) {
    if (event.target.form) writing = true;
  });

  function ask() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.status === 200 ? response.json() : null;
      })
      .then(function (call) {
        if (!call) return;
        if (!writing) {
          window.location.assign(call.url);
          return;
        }
        document.getElementById("ringing-number").textContent = call.masked;
        document.getElementById("ringing-open").href = call.url;
        box.classList.remove("d-none");
      })
      .catch(function () { /* offline for a moment: ask again at the next turn */ })
      .then(function () { window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
})();
