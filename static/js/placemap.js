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

  var source = form.querySelector("#place-source");

  function pin(lat, lng) {
    widget.markers("picked", [{ lat: lat, lon: lng, color: "#dc3545", radius: 8, className: "ps-picked", front: true }]);
  }

  // A place recognised in the words (#place-match in the suggestion panel) fills the
  // coordinates and the village, unless the desk has picked a place on the map: a pick wins.
  document.body.addEventListener("htmx:afterSwap", function () {
    var found = document.getElementById("place-match");
    if (!found || (source && source.value === "map")) return;
    var lat = parseFloat(found.dataset.lat), lng = parseFloat(found.dataset.lon);
    form.querySelector("#id_latitude").value = lat.toFixed(6);
    form.querySelector("#id_longitude").value = lng.toFixed(6);
    var village = form.querySelector("#id_community");
    if (village) village.value = found.dataset.community || "";
    if (source) source.value = "match";
    pin(lat, lng);
    widget.follow(L.latLng(lat, lng));
    el.dataset.picked = found.dataset.name;
  });

  widget.map.on("click", function (event) {
    var village = widget.communityAt(event.latlng);
    var near = village && widget.map.latLngToContainerPoint(village.latlng)
      .distanceTo(widget.map.latLngToContainerPoint(event.latlng)) <= 12;
    var at = near ? village.latlng : event.latlng;
    form.querySelector("#id_latitude").value = at.lat.toFixed(6);
    form.querySelector("#id_longitude").value = at.lng.toFixed(6);
    if (village) form.querySelector("#id_community").value = String(village.id);
    pin(at.lat, at.lng);
    if (source) source.value = "map";
    el.dataset.picked = village ? village.name : "";
    form.dispatchEvent(new Event("place-picked"));
  });
})();
