// A tile-free map of the station's area for the intake form (the police network reaches no
// map server): the HQ, the posts and the villages drawn at their coordinates. A click sets
// the incident's coordinates (a village's click also chooses the village) and asks the
// suggestion panel to refresh.
(function () {
  "use strict";
  var svg = document.getElementById("place-map");
  var source = document.getElementById("place-data");
  var form = document.getElementById("intake-form");
  if (!svg || !source || !form) return;
  var data = JSON.parse(source.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var W = 400, H = 260, PAD = 24;
  var points = [data.station].concat(data.posts, data.communities);
  var lats = points.map(function (p) { return p[0]; });
  var lons = points.map(function (p) { return p[1]; });
  var minLat = Math.min.apply(null, lats) - 0.005, maxLat = Math.max.apply(null, lats) + 0.005;
  var minLon = Math.min.apply(null, lons) - 0.005, maxLon = Math.max.apply(null, lons) + 0.005;
  // Equal scale on both axes (a degree of longitude is shorter by cos(latitude)).
  var k = Math.cos((minLat + maxLat) / 2 * Math.PI / 180);
  var scale = Math.min((W - 2 * PAD) / ((maxLon - minLon) * k), (H - 2 * PAD) / (maxLat - minLat));

  function xy(lat, lon) {
    return [PAD + (lon - minLon) * k * scale, H - PAD - (lat - minLat) * scale];
  }
  function latlon(x, y) {
    return [minLat + (H - PAD - y) / scale, minLon + (x - PAD) / (k * scale)];
  }
  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    svg.appendChild(node);
    return node;
  }
  function label(p, text, dy) {
    el("text", { x: p[0] + 6, y: p[1] + dy, class: "place-label" }, text);
  }

  el("rect", { x: 0, y: 0, width: W, height: H, class: "place-bg" });
  data.communities.forEach(function (c) {
    var p = xy(c[0], c[1]);
    var dot = el("circle", { cx: p[0], cy: p[1], r: 6, class: "place-community", tabindex: 0 });
    dot.dataset.community = c[3];
    label(p, c[2], 4);
  });
  data.posts.forEach(function (post) {
    var p = xy(post[0], post[1]);
    el("polygon", {
      points: [p[0], p[1] - 7, p[0] - 6, p[1] + 5, p[0] + 6, p[1] + 5].join(","),
      class: "place-post",
    });
    label(p, post[2], -4);
  });
  var hq = xy(data.station[0], data.station[1]);
  el("rect", { x: hq[0] - 6, y: hq[1] - 6, width: 12, height: 12, class: "place-hq" });
  label(hq, data.station[2], -8);
  var marker = el("circle", { cx: -20, cy: -20, r: 8, class: "place-marker" });

  function pick(lat, lon, community) {
    form.querySelector("#id_latitude").value = lat.toFixed(6);
    form.querySelector("#id_longitude").value = lon.toFixed(6);
    if (community) form.querySelector("#id_community").value = community;
    var p = xy(lat, lon);
    marker.setAttribute("cx", p[0]);
    marker.setAttribute("cy", p[1]);
    form.dispatchEvent(new Event("place-picked"));
  }

  svg.addEventListener("click", function (event) {
    var target = event.target;
    if (target.dataset && target.dataset.community) {
      var c = data.communities.filter(function (x) { return String(x[3]) === target.dataset.community; })[0];
      pick(c[0], c[1], c[3]);
      return;
    }
    var box = svg.getBoundingClientRect();
    var x = (event.clientX - box.left) * W / box.width;
    var y = (event.clientY - box.top) * H / box.height;
    var ll = latlon(x, y);
    pick(ll[0], ll[1], null);
  });
})();
