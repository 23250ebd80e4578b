// A desk officer's pages ask cases:ringing whether the telephone system reported a call at
// their desk: at once when the live socket brings the call, or at each poll while it is
// down (static/js/live.js sends the box its "live" event either way). If a call rings, the
// intake form opens for it, unless the officer is writing in a form on this page: then a
// notice offers to open it.
(function () {
  "use strict";
  var box = document.getElementById("ringing");
  if (!box) return;
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
      .catch(function () { /* offline for a moment: the next event or poll asks again */ });
  }
  box.addEventListener("live", ask);
})();
