// The command room's live map: the patrols under way at their last position, from the API
// (/api/v1/patrols/?status=active), redrawn every few seconds without a reload, with the
// same patrols listed beside the map.
(function () {
  "use strict";
  var el = document.getElementById("live-map");
  if (!el || !window.PSMap) return;
  var T = JSON.parse(document.getElementById("live-text").textContent);
  var widget = window.PSMap.get(el);
  var list = document.getElementById("live-list");
  var empty = list.querySelector("[data-empty]");

  function officers(patrol) {
    return (patrol.officers || []).map(function (o) {
      return typeof o === "object" && o !== null ? o.name || o.full_name || o.username || "" : String(o);
    }).filter(Boolean).join("、");
  }
  // The API writes local time (Asia/Shanghai) with its offset: read as written.
  function when(iso) { return iso ? iso.slice(11, 19) : T.noPosition; }

  function draw(data) {
    var patrols = Array.isArray(data) ? data : data.results || [];
    var items = [];
    list.querySelectorAll("[data-patrol]").forEach(function (row) { row.remove(); });
    patrols.forEach(function (p) {
      var title = (T.modes[p.mode] || p.mode) + (p.route ? " · " + p.route : "");
      var who = officers(p);
      var has = p.last_latitude !== null && p.last_latitude !== undefined;
      if (has) {
        items.push({
          lat: p.last_latitude, lon: p.last_longitude, color: "#0d6efd",
          // Named by its officers, as on the wall screen; the mode and route in the popup.
          className: "ps-patrol ps-patrol-" + p.id, label: who || title, priority: 60,
          popup: [title, who, T.lastSeen + " " + when(p.last_seen_at)].filter(Boolean),
        });
      }
      var row = document.createElement("li");
      row.className = "list-group-item";
      row.dataset.patrol = p.id;
      var link = document.createElement("a");
      link.href = T.detail.replace("0", String(p.id));
      link.textContent = title;
      var line = document.createElement("div");
      line.className = "small text-muted";
      line.textContent = [who, T.lastSeen + " " + when(p.last_seen_at)].filter(Boolean).join(" · ");
      row.appendChild(link);
      row.appendChild(line);
      if (has) {
        row.style.cursor = "pointer";
        row.addEventListener("click", function (event) {
          if (event.target === link) return;
          widget.map.setView([p.last_latitude, p.last_longitude], Math.max(widget.map.getZoom(), 16));
        });
      }
      list.appendChild(row);
    });
    empty.hidden = patrols.length > 0;
    document.querySelector("[data-testid=live-count]").textContent = patrols.length;
    document.querySelector("[data-testid=live-updated]").textContent = new Date().toLocaleTimeString();
    widget.fit(widget.markers("patrols", items), true);
  }

  widget.poll(el.dataset.url, Number(el.dataset.refresh) || 5, draw);
})();
