// The one map widget of the workbench (Leaflet, vendored): <div class="ps-map"
// data-tiles="{z}/{x}/{y} URL" data-attribution="…" data-center="lat,lon" data-zoom="14">.
// Police networks run their own tile servers, so the tile URL is a setting; without one the
// map is a plain background with a scale, and tracks and markers still draw at their
// coordinates. PSMap.get(el) returns the widget: track(points), markers(name, items),
// fit(latlngs), poll(url, seconds, callback). A .ps-map with data-track-url draws that track
// by itself (GET → {"points": [[lat, lon, "iso", flag], …]}), refreshed every
// data-refresh seconds when given.
(function () {
  "use strict";
  if (!window.L) return;
  var CENTER = [29.39, 106.27]; // 九龙坡 when a page names no centre

  function Widget(el) {
    var center = (el.dataset.center || "").split(",").map(Number);
    if (center.length !== 2 || center.some(isNaN)) center = CENTER;
    this.el = el;
    this.layers = {};
    this.fitted = false;
    this.map = L.map(el, { attributionControl: Boolean(el.dataset.tiles) });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        attribution: el.dataset.attribution || "",
        maxZoom: 19,
      }).addTo(this.map);
    } else {
      el.classList.add("ps-map-blank");
    }
    L.control.scale({ imperial: false }).addTo(this.map);
    this.map.setView(center, Number(el.dataset.zoom) || 14);
    el.psMap = this;
  }

  // A named layer group, emptied for a redraw.
  Widget.prototype.layer = function (name) {
    if (!this.layers[name]) this.layers[name] = L.layerGroup().addTo(this.map);
    this.layers[name].clearLayers();
    return this.layers[name];
  };

  // Popups and tooltips are built from text, never from HTML (Leaflet takes a string as
  // HTML): names and places come from users.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function popup(lines) {
    var box = document.createElement("div");
    (Array.isArray(lines) ? lines : [lines]).forEach(function (line, i) {
      var row = document.createElement(i === 0 ? "strong" : "div");
      row.textContent = line;
      box.appendChild(row);
    });
    return box;
  }

  // The track: valid points (flag 0) as one line, flagged points as grey dots that the
  // distance ignores, the last valid point as a filled dot. Returns the valid latlngs.
  Widget.prototype.track = function (points, flaggedLabel) {
    var group = this.layer("track");
    var valid = [];
    points.forEach(function (p) {
      if (!p[3]) {
        valid.push([p[0], p[1]]);
        return;
      }
      L.circleMarker([p[0], p[1]], {
        radius: 5, color: "#6c757d", fillColor: "#adb5bd", fillOpacity: 0.9, className: "ps-flagged",
      }).bindPopup(popup([flaggedLabel || "", p[2].slice(0, 19).replace("T", " ")])).addTo(group);
    });
    if (valid.length) {
      L.polyline(valid, { color: "#0d6efd", weight: 4, className: "ps-track" }).addTo(group);
      L.circleMarker(valid[valid.length - 1], {
        radius: 7, color: "#fff", weight: 2, fillColor: "#0d6efd", fillOpacity: 1, className: "ps-track-end",
      }).addTo(group);
    }
    return valid;
  };

  // Markers: items of {lat, lon, color, popup: [title, line…], id}; a red one is drawn on top.
  Widget.prototype.markers = function (name, items) {
    var group = this.layer(name);
    var latlngs = [];
    items.forEach(function (item) {
      if (item.lat === null || item.lat === undefined || item.lon === null || item.lon === undefined) return;
      var latlng = [Number(item.lat), Number(item.lon)];
      latlngs.push(latlng);
      var marker = L.circleMarker(latlng, {
        radius: item.radius || 8, color: "#fff", weight: 2,
        fillColor: item.color || "#0d6efd", fillOpacity: 0.95,
        className: "ps-marker" + (item.className ? " " + item.className : ""),
      });
      if (item.popup) marker.bindPopup(popup(item.popup));
      if (item.tooltip) marker.bindTooltip(text(item.tooltip), { direction: "top", offset: [0, -8] });
      marker.addTo(group);
      if (item.front) marker.bringToFront();
    });
    return latlngs;
  };

  // Fit the view to the coordinates; with once, only the first time there are any (a
  // refreshing map must not take the view away from a user who panned).
  Widget.prototype.fit = function (latlngs, once) {
    if (!latlngs.length || (once && this.fitted)) return;
    this.fitted = true;
    // No animation: the first view is simply there (and screenshots see it as it is).
    if (latlngs.length === 1) this.map.setView(latlngs[0], Math.max(this.map.getZoom(), 16), { animate: false });
    else this.map.fitBounds(latlngs, { padding: [24, 24], maxZoom: 17, animate: false });
  };

  // Fetch a JSON URL now and every `seconds` (none: once), without reloading the page.
  Widget.prototype.poll = function (url, seconds, callback) {
    var run = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(callback)
        .catch(function () { /* kept as it was; the next round tries again */ })
        .then(function () { if (seconds) setTimeout(run, seconds * 1000); });
    };
    run();
  };

  window.PSMap = {
    get: function (el) { return el.psMap || new Widget(el); },
    popup: popup,
  };

  document.querySelectorAll(".ps-map[data-track-url]").forEach(function (el) {
    var widget = window.PSMap.get(el);
    widget.poll(el.dataset.trackUrl, Number(el.dataset.refresh) || 0, function (data) {
      widget.fit(widget.track(data.points || [], el.dataset.flaggedLabel), true);
      el.dataset.points = String((data.points || []).length);
    });
  });
})();
