// The one map widget of the workbench (Leaflet, vendored): <div class="ps-map">.
//
// Base layer: the page's #ps-map-config (apps/core/tiles.py) names the police network's tile
// server or the workbench's own /tiles/ (an MBTiles package); with neither, the map is a
// plain background with a scale, and the villages' boundaries are what gives it a place.
// Places (the station HQs, posts, villages and their boundaries, apps/stations/selectors.
// map_places) come from data-places-url (the API) or data-places (the id of a json_script,
// for pages that must work offline); data-places-without="posts" leaves the posts to the
// page, data-highlight="12 13" outlines those villages, data-fit-places keeps the places in
// view with the page's own data.
//
// Labels are permanent tooltips with a priority; after every redraw and move, a label that
// would overlap one of higher priority moves to another side of its marker, or is hidden
// when no side is free (hovering its marker shows it). No kept Leaflet plugin does this
// (markercluster groups markers, which would hide the incidents themselves on the command
// board), so it is the small greedy pass in declutter() below.
//
// PSMap.get(el) returns the widget: places(data), track(points), markers(name, items),
// fit(latlngs, once), follow(latlng), poll(url, seconds, callback), communityAt(latlng). A .ps-map with
// data-track-url draws that track by itself (GET → {"points": [[lat, lon, "iso", flag], …]}),
// refreshed every data-refresh seconds when given.
(function () {
  "use strict";
  if (!window.L) return;
  var CENTER = [29.39, 106.27]; // 九龙坡 when a page names no centre
  var configNode = document.getElementById("ps-map-config");
  var CONFIG = configNode ? JSON.parse(configNode.textContent) : {};
  // Higher first when labels collide: what the page is about before where it is.
  var PRIORITY = { station: 40, post: 30, community: 10, planned: 20 };

  function Widget(el) {
    var center = (el.dataset.center || "").split(",").map(Number);
    if (center.length !== 2 || center.some(isNaN)) center = CENTER;
    var self = this;
    this.el = el;
    this.layers = {};
    this.fitted = false;
    this.moved = false; // by the user: from then on nothing refits the view
    this.dataLatLngs = [];
    this.placesBounds = null;
    this.communities = [];
    this.map = L.map(el, {
      attributionControl: Boolean(CONFIG.tiles), minZoom: CONFIG.minZoom || 0,
      // Without tiles nothing blurs between levels: fit the area tightly.
      zoomSnap: CONFIG.tiles ? 1 : 0.25,
    });
    // Boundaries above the tiles and below everything else; the places' markers below the
    // page's own (incidents, patrols), which are drawn in the overlay pane.
    this.map.createPane("psBoundaries").style.zIndex = 250;
    this.map.createPane("psPlaces").style.zIndex = 390;
    if (CONFIG.tiles) {
      L.tileLayer(CONFIG.tiles, {
        attribution: CONFIG.attribution || "",
        maxZoom: 19,
        maxNativeZoom: CONFIG.maxNativeZoom || 19,
        minZoom: CONFIG.minZoom || 0,
      }).addTo(this.map);
      el.classList.add("ps-map-tiled");
    } else {
      el.classList.add("ps-map-blank");
    }
    // The corner names the tiles' source only (not Leaflet itself).
    if (this.map.attributionControl) this.map.attributionControl.setPrefix(false);
    L.control.scale({ imperial: false }).addTo(this.map);
    this.map.setView(center, Number(el.dataset.zoom) || 14);
    this.map.on("movestart", function () { if (!self.fitting) self.moved = true; });
    this.map.on("zoomend moveend resize", function () { self.declutterSoon(); });
    el.psMap = this;
    if (el.dataset.places) {
      this.places(JSON.parse(document.getElementById(el.dataset.places).textContent));
    } else if (el.dataset.placesUrl) {
      this.poll(el.dataset.placesUrl, 0, function (data) { self.places(data); });
    }
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

  // A permanent label beside a marker, taking part in declutter() with its priority.
  function label(marker, value, priority, kind, radius) {
    marker.options.labelPriority = priority;
    marker.options.labelGap = (radius || 6) + 2;
    marker.bindTooltip(text(value), {
      permanent: true, direction: "right", offset: [marker.options.labelGap, 0],
      className: "ps-label ps-label-" + kind,
    });
    // Hidden by a collision, it still shows while the pointer is on its marker.
    marker.on("mouseover", function () { var t = marker.getTooltip().getElement(); if (t) t.classList.add("ps-label-hover"); });
    marker.on("mouseout", function () { var t = marker.getTooltip().getElement(); if (t) t.classList.remove("ps-label-hover"); });
  }

  // Where a label may sit around its marker, in the order tried, and the tooltip offset
  // that puts it there (Leaflet places a tooltip from its direction and offset).
  var SIDES = ["right", "left", "bottom", "top"];
  function offset(side, gap) {
    return { right: [gap, 0], left: [-gap, 0], bottom: [0, gap], top: [0, -gap] }[side];
  }
  // The centre of the marker of a label, from the label's box on `side` of it.
  function centre(side, box, gap) {
    var w = box.right - box.left, h = box.bottom - box.top;
    return {
      x: { right: box.left - gap, left: box.right + gap, bottom: box.left + w / 2, top: box.left + w / 2 }[side],
      y: { right: box.top + h / 2, left: box.top + h / 2, bottom: box.top - gap, top: box.bottom + gap }[side],
    };
  }
  // The box the label takes on `side` of a marker at `c`.
  function boxOn(side, c, w, h, gap) {
    var left = { right: c.x + gap, left: c.x - gap - w, bottom: c.x - w / 2, top: c.x - w / 2 }[side];
    var top = { right: c.y - h / 2, left: c.y - h / 2, bottom: c.y + gap, top: c.y - gap - h }[side];
    return { left: left, top: top, right: left + w, bottom: top + h };
  }

  // Greedy, most important first: each label takes the first side around its marker where
  // it overlaps no label already placed (nor leaves the map); with none free it is hidden.
  // All the reads come first and all the writes after (one layout, not one per label: a
  // bureau's wall screen has hundreds), and a label moves by its own offset, as Leaflet
  // would place it on that side, without Leaflet measuring it again.
  Widget.prototype.declutter = function () {
    var labels = [];
    this.map.eachLayer(function (layer) {
      var tip = layer.getTooltip && layer.getTooltip();
      var node = tip && tip.options.permanent && tip.getElement();
      if (node) labels.push({ tip: tip, node: node, priority: layer.options.labelPriority || 0, gap: layer.options.labelGap || 8 });
    });
    // A hidden label (visibility: hidden) keeps its box: it is measured where it is.
    labels.forEach(function (l) { l.box = l.node.getBoundingClientRect(); });
    var frame = this.el.getBoundingClientRect();
    labels.sort(function (a, b) { return b.priority - a.priority; });
    var kept = [];
    function free(box) {
      var inside = box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;
      return inside && !kept.some(function (k) {
        return box.left < k.right + 2 && k.left < box.right + 2 && box.top < k.bottom + 1 && k.top < box.bottom + 1;
      });
    }
    labels.forEach(function (l) {
      var w = l.box.right - l.box.left, h = l.box.bottom - l.box.top;
      var c = centre(l.tip.options.direction, l.box, l.gap);
      l.side = null;
      SIDES.some(function (side) {
        var box = boxOn(side, c, w, h, l.gap);
        if (!free(box)) return false;
        kept.push(box);
        l.side = side;
        l.to = box;
        return true;
      });
    });
    labels.forEach(function (l) {
      l.node.classList.toggle("ps-label-hidden", !l.side);
      if (!l.side || l.side === l.tip.options.direction) return;
      l.tip.options.direction = l.side;
      l.tip.options.offset = offset(l.side, l.gap);
      var at = L.DomUtil.getPosition(l.node);
      L.DomUtil.setPosition(l.node, at.add([l.to.left - l.box.left, l.to.top - l.box.top]));
    });
    this.el.dataset.labels = String(kept.length);
  };

  // Labels are sorted out once per frame, however many layers were redrawn in it.
  Widget.prototype.declutterSoon = function () {
    var self = this;
    if (this.pending) return;
    this.pending = requestAnimationFrame(function () {
      self.pending = null;
      self.declutter();
    });
  };

  function point(p) { return [Number(p.lat), Number(p.lon)]; }

  // The base: boundaries, villages, posts and station HQs with their names.
  Widget.prototype.places = function (data) {
    var self = this;
    var without = (this.el.dataset.placesWithout || "").split(" ");
    var planned = (this.el.dataset.highlight || "").split(/[\s,]+/).filter(Boolean);
    var base = this.layer("places");
    var bounds = L.latLngBounds([]);
    this.communities = [];
    (data.communities || []).forEach(function (c) {
      var isPlanned = planned.indexOf(String(c.id)) >= 0;
      var shape = null;
      if (c.boundary) {
        shape = L.geoJSON(c.boundary, {
          pane: "psBoundaries", interactive: false,
          style: { className: "ps-boundary ps-boundary-" + c.kind + (isPlanned ? " ps-boundary-planned" : "") },
        }).addTo(base);
        bounds.extend(shape.getBounds());
      }
      var dot = L.circleMarker(point(c), {
        pane: "psPlaces", radius: 4, weight: 1, interactive: true, className: "ps-place-community",
      }).addTo(base);
      label(dot, c.name, isPlanned ? PRIORITY.planned : PRIORITY.community, "community" + (isPlanned ? " ps-label-planned" : ""), 4);
      bounds.extend(point(c));
      self.communities.push({ id: c.id, name: c.name, latlng: L.latLng(point(c)), boundary: c.boundary });
    });
    if (without.indexOf("posts") < 0) {
      (data.posts || []).forEach(function (p) {
        var marker = L.circleMarker(point(p), {
          pane: "psPlaces", radius: 7, color: "#fff", weight: 2, fillColor: "#6f42c1", fillOpacity: 0.95,
          className: "ps-place-post",
        }).addTo(base);
        label(marker, p.name, PRIORITY.post, "post", 7);
        bounds.extend(point(p));
      });
    }
    (data.stations || []).forEach(function (s) {
      var marker = L.marker(point(s), {
        pane: "psPlaces", keyboard: false,
        icon: L.divIcon({ className: "ps-place-station", iconSize: [14, 14] }),
      }).addTo(base);
      label(marker, s.name, PRIORITY.station, "station", 7);
      bounds.extend(point(s));
    });
    this.placesBounds = bounds.isValid() ? bounds : null;
    this.el.dataset.boundaries = String((data.communities || []).filter(function (c) { return c.boundary; }).length);
    // The places are the view while the page has no data of its own (or keeps them in view).
    if (this.placesBounds && !this.moved && (!this.fitted || "fitPlaces" in this.el.dataset)) this.refit();
    this.declutterSoon();
  };

  // The village whose boundary holds the point, else the one whose dot is within a few
  // pixels of it; null if none.
  function inRing(latlng, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > latlng.lat) !== (yj > latlng.lat) && latlng.lng < (xj - xi) * (latlng.lat - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function inBoundary(latlng, boundary) {
    var polygons = boundary.type === "Polygon" ? [boundary.coordinates] : boundary.coordinates;
    return polygons.some(function (rings) {
      return inRing(latlng, rings[0]) && !rings.slice(1).some(function (hole) { return inRing(latlng, hole); });
    });
  }
  Widget.prototype.communityAt = function (latlng) {
    var map = this.map, at = map.latLngToContainerPoint(latlng), near = null, best = 12;
    this.communities.forEach(function (c) {
      var d = map.latLngToContainerPoint(c.latlng).distanceTo(at);
      if (d <= best) { best = d; near = c; }
    });
    if (near) return near;
    return this.communities.filter(function (c) { return c.boundary && inBoundary(latlng, c.boundary); })[0] || null;
  };

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

  // Markers: items of {lat, lon, color, popup: [title, line…], tooltip, label, priority,
  // labelClass};
  // a red one is drawn on top. A label is always shown (unless a more important one is in
  // its way); a tooltip only on hover.
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
      if (item.label) label(marker, item.label, item.priority || 50, name + (item.labelClass ? " " + item.labelClass : ""), item.radius || 8);
      else if (item.tooltip) marker.bindTooltip(text(item.tooltip), { direction: "top", offset: [0, -8] });
      marker.addTo(group);
      if (item.front) marker.bringToFront();
    });
    this.declutterSoon();
    return latlngs;
  };

  // Fit the view to the coordinates (with data-fit-places, to the places too); with once,
  // only the first time there are any (a refreshing map must not take the view away from
  // a user who panned), and never after the user moved the map.
  Widget.prototype.fit = function (latlngs, once) {
    if (!latlngs.length || (once && this.fitted) || this.moved) return;
    this.fitted = true;
    this.dataLatLngs = latlngs;
    this.refit();
  };

  Widget.prototype.refit = function () {
    var bounds = L.latLngBounds(this.dataLatLngs);
    if (this.placesBounds && (!this.dataLatLngs.length || "fitPlaces" in this.el.dataset)) {
      bounds.extend(this.placesBounds);
    }
    if (!bounds.isValid()) return;
    // No animation: the first view is simply there (and screenshots see it as it is).
    // Without tiles there is nothing to see closer than a village and its neighbours.
    var closest = CONFIG.tiles ? 17 : 15;
    this.fitting = true;
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
      this.map.setView(bounds.getCenter(), Math.max(this.map.getZoom(), closest - 1), { animate: false });
    } else {
      this.map.fitBounds(bounds, { padding: [24, 24], maxZoom: closest, animate: false });
    }
    this.fitting = false;
  };

  // Keep a moving point (the tablet's own position) in view, unless the user moved the map.
  Widget.prototype.follow = function (latlng) {
    if (this.moved || this.map.getBounds().contains(latlng)) return;
    this.fitting = true;
    this.map.panTo(latlng, { animate: false });
    this.fitting = false;
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
  // A map with places and no script of its own (the patrol's page) draws them by itself.
  document.querySelectorAll(".ps-map[data-places-url], .ps-map[data-places]").forEach(function (el) {
    window.PSMap.get(el);
  });
})();
