// The noise page's map: every sensor at its place, red where an event is open (with its
// level, since when and the limit in the popup). The data is the json_script inside the
// live part, so the map follows the page's htmx refresh with no request of its own.
(function () {
  "use strict";
  var el = document.getElementById("noise-map");
  if (!el || !window.PSMap) return;
  var widget = window.PSMap.get(el);

  function draw() {
    var source = document.getElementById("noise-map-data");
    if (!source) return;
    var items = JSON.parse(source.textContent).map(function (s) {
      var open = s.event !== null;
      return {
        lat: s.lat, lon: s.lon, popup: s.popup, label: s.popup[0], priority: open ? 70 : 50, front: open,
        color: open ? "#dc3545" : s.over ? "#fd7e14" : "#198754",
        radius: open ? 11 : 8,
        className: open ? "ps-noise-event ps-sensor-" + s.id : "ps-sensor-" + s.id,
      };
    });
    widget.fit(widget.markers("sensors", items), true);
  }

  draw();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "noise-live") draw();
  });
})();
