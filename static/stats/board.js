// The command room's wall screen: reads the live board (/api/v1/board/) every few seconds
// and redraws the map (static/js/map.js), the counters and the lists in place, never
// reloading the page. When a read fails (the network blinks, the server restarts) the last
// picture stays, a "connection lost" notice shows, and the next rounds keep trying until
// one succeeds. #wall carries data-state (loading / live / offline) for tests.
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  var mapEl = document.getElementById("board-map");
  if (!wall || !mapEl || !window.PSMap) return;
  var T = JSON.parse(document.getElementById("board-text").textContent);
  var widget = window.PSMap.get(mapEl);
  var seconds = Number(wall.dataset.refresh) || 5;
  // The grid sizes the map after Leaflet measured it; keep Leaflet told of every change.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { widget.map.invalidateSize(); }).observe(mapEl);
  }
  var notice = document.querySelector("[data-testid=board-offline]");
  var updated = document.querySelector("[data-testid=board-updated]");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  // The server writes times in local time (Asia/Shanghai) with its offset: read as written,
  // whatever zone the browser's machine is set to.
  function clock(iso) {
    return iso ? iso.slice(11, 16) : "";
  }
  function fill(list, rows, build) {
    if (!list) return;
    var items = rows.map(build);
    if (!items.length) items = [el("li", "empty", T.none)];
    list.replaceChildren.apply(list, items);
  }

  function counters(data) {
    var c = data.counters || {};
    document.querySelectorAll("[data-counter]").forEach(function (node) {
      var value = c[node.dataset.counter];
      var text = value === null || value === undefined ? "—" : String(value);
      if (node.textContent !== text) {
        var box = node.parentNode;
        if (node.textContent !== "—") {
          box.classList.add("changed");
          setTimeout(function () { box.classList.remove("changed"); }, 3000);
        }
        node.textContent = text;
      }
    });
    document.querySelectorAll("[data-status-count]").forEach(function (node) {
      node.textContent = String((c.open_by_status || {})[node.dataset.statusCount] || 0);
    });
  }

  function incidentLines(i) {
    return [
      i.number + (i.category ? " · " + i.category : ""),
      i.status_label + " · " + i.minutes + " " + T.minutes + " · " + (T.bands[i.band] || ""),
      i.place, i.post,
    ].filter(Boolean);
  }

  var postsVersion = "";
  // Labels that win a collision first: a late incident over everything, then the others
  // by how long they have waited, patrols and noise, and the posts last.
  var BAND_PRIORITY = { late: 90, waiting: 85, "new": 80, on_scene: 70 };

  function age(minutes) {
    return T.age.replace("%(minutes)s", minutes === null || minutes === undefined ? "—" : minutes);
  }

  function draw(data) {
    var all = [];
    // Posts come only when they changed (posts_version); otherwise their markers stay.
    if (data.posts) {
      postsVersion = data.posts_version || "";
      all = all.concat(widget.markers("posts", data.posts.map(function (p) {
        return {
          lat: p.lat, lon: p.lon, color: "#6f42c1", radius: 7, className: "ps-board-post",
          label: p.name, priority: 30, popup: [p.name, p.station],
        };
      })));
    }
    all = all.concat(widget.markers("incidents", (data.incidents || []).map(function (i) {
      return {
        lat: i.lat, lon: i.lon, color: i.color, radius: i.priority === 1 ? 11 : 9,
        className: "ps-board-incident ps-board-" + i.band + " ps-board-status-" + i.status,
        popup: incidentLines(i), front: i.band === "late",
        label: (i.category || i.number) + " · " + age(i.minutes),
        priority: BAND_PRIORITY[i.band] + (i.priority === 1 ? 5 : 0), labelClass: "ps-label-" + i.band,
      };
    })));
    if (data.patrols) {
      all = all.concat(widget.markers("patrols", data.patrols.map(function (p) {
        return {
          lat: p.lat, lon: p.lon, color: "#0d6efd", radius: 9, className: "ps-board-patrol",
          label: p.officers.length ? p.officers.join("、") : p.mode_label, priority: 60,
          popup: [p.mode_label + (p.route ? " · " + p.route : ""), p.officers.join("、"), clock(p.seen_at)].filter(Boolean),
        };
      })));
    }
    if (data.noise_events) {
      all = all.concat(widget.markers("noise", data.noise_events.map(function (n) {
        return {
          lat: n.lat, lon: n.lon, color: "#d63384", radius: 10, className: "ps-board-noise",
          label: n.sensor + " · " + (n.level === null ? "—" : n.level) + " dB(A)", priority: 65,
          popup: [n.sensor, T.level + " " + (n.level === null ? "—" : n.level) + " dB(A) · " + T.limit + " " + n.limit, T.since + " " + clock(n.since)],
        };
      })));
    }
    if (!widget.fitted) widget.map.invalidateSize();
    widget.fit(all, true);

    fill(document.getElementById("board-incidents"), data.incidents || [], function (i) {
      var row = el("li", i.band === "late" ? "late" : "");
      row.style.setProperty("--c", i.color);
      row.dataset.incident = i.number;
      var line = el("div", "line1");
      line.appendChild(el("b", "", i.category || i.number));
      line.appendChild(el("span", "", i.status_label));
      line.appendChild(el("span", "age", i.minutes + " " + T.minutes));
      row.appendChild(line);
      row.appendChild(el("div", "line2", [i.number, i.place, i.post].filter(Boolean).join(" · ")));
      if (i.lat !== null) {
        row.style.cursor = "pointer";
        row.addEventListener("click", function () { widget.map.setView([i.lat, i.lon], Math.max(widget.map.getZoom(), 16)); });
      }
      return row;
    });
    fill(document.getElementById("board-patrols"), data.patrols || [], function (p) {
      var row = el("li");
      row.style.setProperty("--c", "#0d6efd");
      var line = el("div", "line1");
      line.appendChild(el("b", "", p.mode_label));
      line.appendChild(el("span", "", p.post));
      line.appendChild(el("span", "age", p.seen_at ? clock(p.seen_at) : T.noPosition));
      row.appendChild(line);
      row.appendChild(el("div", "line2", p.officers.join("、") + (p.route ? " · " + p.route : "")));
      return row;
    });
    fill(document.getElementById("board-noise"), data.noise_events || [], function (n) {
      var row = el("li");
      row.style.setProperty("--c", "#d63384");
      var line = el("div", "line1");
      line.appendChild(el("b", "", n.sensor));
      line.appendChild(el("span", "", (n.level === null ? "—" : n.level) + " dB(A)"));
      line.appendChild(el("span", "age", n.minutes + " " + T.minutes));
      row.appendChild(line);
      row.appendChild(el("div", "line2", T.peak + " " + n.peak + " · " + T.limit + " " + n.limit + " · " + T.since + " " + clock(n.since)));
      return row;
    });
    counters(data);
  }

  function online(ok) {
    notice.hidden = ok;
    wall.dataset.state = ok ? "live" : "offline";
  }

  function round() {
    // A hanging request (a half-open connection) counts as lost after a few seconds.
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, Math.max(4, seconds) * 1000);
    var url = wall.dataset.url + (postsVersion ? "?posts_version=" + encodeURIComponent(postsVersion) : "");
    fetch(url, {
      credentials: "same-origin", cache: "no-store", redirect: "error",
      headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        draw(data);
        online(true);
        updated.textContent = data.at.slice(11, 19);
      })
      .catch(function () { online(false); })
      .then(function () {
        if (timer) clearTimeout(timer);
        setTimeout(round, seconds * 1000);
      });
  }
  round();
})();
