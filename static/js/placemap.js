// The intake form's map (static/js/map.js, with the station's places from #place-data): a
// click sets the incident's coordinates; a click on a village's dot, or inside its
// boundary, also chooses the village (on its dot: at the village's own position). Then
// the suggestion panel is asked to refresh.
(function () {
  "use strict";
  var el = document.getElementById("place-map");
  var form = document.getElementById("intake-form");
  if (!el || !form || !window.PSMap) return;
  var widget = window.PSMap.get(el);

  widget.map.on("click", function (event) {
    var village = widget.communityAt(event.latlng);
    var near = village && widget.map.latLngToContainerPoint(village.latlng)
      .distanceTo(widget.map.latLngToContainerPoint(event.latlng)) <= 12;
    var at = near ? village.latlng : event.latlng;
    form.querySelector("#id_latitude").value = at.lat.toFixed(6);
    form.querySelector("#id_longitude").value = at.lng.toFixed(6);
    if (village) form.querySelector("#id_community").value = String(village.id);
    widget.markers("picked", [{ lat: at.lat, lon: at.lng, color: "#dc3545", radius: 8, className: "ps-picked", front: true }]);
    el.dataset.picked = village ? village.name : "";
    form.dispatchEvent(new Event("place-picked"));
  });
})();
