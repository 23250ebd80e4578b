// The patrol tablet, online or not. GPS fixes (watchPosition) and findings go into an
// IndexedDB queue on the tablet first, each with its own client id; the queue is sent to the
// API in batches of up to 500 points (a batch client id, reused when the same batch is
// retried) and a row leaves the queue only when the server answered 200/201 for it. Offline
// (navigator.onLine, the offline event, a failed fetch) nothing is lost: the page shows what
// is waiting and retries with a growing pause; the online event sends at once. Resent points
// and findings are no-ops on the server (their client ids), so a lost answer costs nothing.
(function () {
  "use strict";
  var root = document.getElementById("tablet");
  if (!root) return;
  var T = JSON.parse(document.getElementById("tablet-text").textContent);
  var STATUSES = JSON.parse(document.getElementById("tablet-statuses").textContent);
  var patrol = Number(root.dataset.patrol);
  var api = root.dataset.api;
  var findingsUrl = root.dataset.findingsUrl;
  var status = root.dataset.status;
  // A page reopened from the offline cache may be older than the patrol's last known state.
  var RANK = { planned: 0, active: 1, finished: 2, cancelled: 2 };
  var statusKey = "ps-patrol-" + patrol + "-status";
  var known = localStorage.getItem(statusKey);
  if (known && RANK[known] > RANK[status]) status = known;
  var BATCH = 500, EVERY = (Number(root.dataset.syncEvery) || 5) * 1000, MAX_PAUSE = 60000;
  var recordedKey = "ps-patrol-" + patrol + "-recorded";
  var recorded = Number(localStorage.getItem(recordedKey)) || 0;
  var lastSync = null, lastPosition = null, watchId = null;
  var pause = 0, timer = null, running = null, pendingBatch = null;

  function $(selector) { return root.querySelector(selector); }
  // tone: true for done (green), "muted" for under way, anything else for a problem (red).
  function say(text, tone) {
    var box = $("[data-testid=message]");
    var kind = tone === true ? "ok" : tone === "muted" ? "muted" : "error";
    box.textContent = text || "";
    box.className = "mt-2 small " + { ok: "text-success", muted: "text-muted", error: "text-danger" }[kind];
    box.dataset.tone = text ? kind : "";
  }

  // Message parts joined as each language writes them: no space after a full-width mark.
  function joined() {
    return Array.prototype.reduce.call(arguments, function (text, part) {
      if (!text) return part;
      return /[：。，]$/.test(text) ? text + part : text + " " + part;
    }, "");
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // --- The queue: one IndexedDB database per patrol, rows in the order they were made. ---
  var db = new Promise(function (resolve, reject) {
    if (!window.indexedDB) return reject(new Error("no IndexedDB"));
    var open = indexedDB.open("ps-patrol-" + patrol, 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore("points", { keyPath: "seq", autoIncrement: true });
      open.result.createObjectStore("findings", { keyPath: "seq", autoIncrement: true });
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
  db.catch(function () { say(T.noStorage); });

  function store(name, mode, work) {
    return db.then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction(name, mode);
        var request = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function oldest(name, n) { return store(name, "readonly", function (s) { return s.getAll(null, n); }); }
  function drop(name, keys) {
    return store(name, "readwrite", function (s) { keys.forEach(function (k) { s.delete(k); }); });
  }
  function count(name) { return store(name, "readonly", function (s) { return s.count(); }); }

  // --- The server. ---
  function detail(data) {
    if (!data || typeof data !== "object") return "";
    if (typeof data.detail === "string") return data.detail;
    if (data.error && typeof data.error.message === "string") {
      // The API's one error shape; a refused form names its fields' messages.
      var fields = data.error.fields || {};
      return [data.error.message].concat(Object.keys(fields).map(function (key) {
        return [].concat(fields[key]).join(" ");
      })).join(" ");
    }
    return Object.keys(data).map(function (key) {
      var value = data[key];
      return Array.isArray(value) ? value.join(" ") : String(value);
    }).join(" ");
  }
  function post(url, body) {
    var init = {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
    };
    if (body instanceof FormData) {
      init.body = body;
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(detail(data) || String(response.status));
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  function sendPoints() {
    return oldest("points", BATCH).then(function (rows) {
      if (!rows.length) return null;
      // The same rows retried keep their batch id: the server sees one batch, sent twice.
      var same = pendingBatch && pendingBatch.first === rows[0].seq && pendingBatch.size === rows.length;
      if (!same) pendingBatch = { id: uuid(), first: rows[0].seq, size: rows.length };
      var points = rows.map(function (row) {
        return {
          client_id: row.client_id, recorded_at: row.recorded_at, latitude: row.latitude,
          longitude: row.longitude, accuracy: row.accuracy, speed: row.speed,
        };
      });
      return post(api + "track/", { client_id: pendingBatch.id, points: points }).then(function () {
        pendingBatch = null;
        return drop("points", rows.map(function (row) { return row.seq; }));
      }).then(sendPoints);
    });
  }

  // A finding the server refuses as invalid (400, 413, 422) would be refused again: it is set
  // aside with the server's message, so that the findings after it still leave. Its text
  // goes back into the form (at once when the form is empty, else with a tap) for a new
  // photo or a correction; nothing typed is lost. Any other failure (offline, 5xx, a lapsed
  // login) retries.
  var REFUSED_FOR_GOOD = [400, 413, 422];
  function setAside(row, message) {
    row.refused = message;
    return store("findings", "readwrite", function (s) { return s.put(row); });
  }
  function waitingFindings() {
    return store("findings", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.filter(function (row) { return !row.refused; });
    });
  }
  function refusedFindings() {
    return store("findings", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.filter(function (row) { return row.refused; });
    });
  }

  function sendFindings() {
    return waitingFindings().then(function (rows) {
      if (!rows.length) return null;
      var row = rows[0], body = {};
      Object.keys(row.data).forEach(function (key) {
        if (row.data[key] !== null && row.data[key] !== "") body[key] = row.data[key];
      });
      if (row.photo) {
        var form = new FormData();
        Object.keys(body).forEach(function (key) { form.append(key, body[key]); });
        form.append("photo", row.photo, row.photoName || "photo.jpg");
        body = form;
      }
      return post(findingsUrl, body).then(function () {
        return drop("findings", [row.seq]).then(function () {
          if (row.seq === awaiting) {
            awaiting = null;
            say(T.sent, refusedShown ? "muted" : true);
          }
        });
      }, function (error) {
        if (REFUSED_FOR_GOOD.indexOf(error.status) < 0) throw error;
        return setAside(row, error.message).then(function () { refusedNow(row); });
      }).then(sendFindings);
    });
  }

  // One sync at a time; a caller that must wait for it (finish) gets the running one.
  function sync() {
    clearTimeout(timer);
    if (running) return running;
    if (!navigator.onLine) {
      render();
      timer = setTimeout(sync, EVERY); // the online event usually comes first
      return Promise.resolve(false);
    }
    running = sendPoints().then(sendFindings).then(function () {
      pause = 0;
      lastSync = new Date();
      return true;
    }, function (error) {
      pause = Math.min(MAX_PAUSE, pause ? pause * 2 : 2000);
      if (error.status) {
        say(joined(T.refused, error.message));
      } else if (awaiting !== null) {
        say(T.saved, true); // the network went: the finding waits on the tablet
      }
      awaiting = null;
      return false;
    }).then(function (done) {
      running = null;
      render();
      timer = setTimeout(sync, pause || EVERY);
      return done;
    });
    return running;
  }

  // --- The page. ---
  function render() {
    var online = navigator.onLine;
    var network = $("[data-testid=network]");
    network.textContent = online ? T.online : T.offline;
    network.className = "badge fs-6 " + (online ? "text-bg-success" : "text-bg-danger");
    network.dataset.online = String(online);
    $("[data-testid=patrol-status]").textContent = STATUSES[status] || status;
    root.dataset.status = status;
    $("[data-testid=last-sync]").textContent = lastSync ? lastSync.toLocaleTimeString() : T.never;
    $("[data-testid=position]").textContent = lastPosition
      ? lastPosition.latitude.toFixed(5) + ", " + lastPosition.longitude.toFixed(5) : "—";
    $("[data-action=start]").disabled = status !== "planned";
    $("[data-action=finish]").disabled = status !== "active";
    // The points recorded and those waiting change together, so that a recorded point is
    // never shown beside a waiting count from before it was stored.
    Promise.all([count("points"), waitingFindings()]).then(function (n) {
      $("[data-testid=recorded]").textContent = recorded;
      var waiting = $("[data-testid=waiting]");
      var findings = n[1].length;
      waiting.textContent = T.waiting.replace("%(points)s", n[0]).replace("%(findings)s", findings);
      waiting.dataset.points = n[0];
      waiting.dataset.findings = findings;
    }, function () {
      $("[data-testid=recorded]").textContent = recorded;
    });
    refusedFindings().then(renderRefused, function () {});
  }

  var refusedShown = 0;
  function renderRefused(rows) {
    var list = $("[data-testid=refused]");
    refusedShown = rows.length;
    list.hidden = !rows.length;
    // A green "saved" never stands beside a refusal.
    if (rows.length && $("[data-testid=message]").dataset.tone === "ok") say("");
    list.querySelector("ul").replaceChildren.apply(list.querySelector("ul"), rows.map(function (row) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between align-items-start gap-2";
      var text = document.createElement("div");
      text.textContent = (row.data.description || row.data.kind || "") + " — " + row.refused;
      var buttons = document.createElement("div");
      buttons.className = "d-flex gap-2 flex-shrink-0";
      if (finding) {
        var again = document.createElement("button");
        again.type = "button";
        again.className = "btn btn-sm btn-primary";
        again.textContent = T.again;
        again.addEventListener("click", function () {
          if (!formIsEmpty()) return say(T.formBusy); // never overwrite what is being typed
          putBack(row);
        });
        buttons.append(again);
      }
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-secondary";
      discard.textContent = T.discard;
      discard.addEventListener("click", function () { drop("findings", [row.seq]).then(render); });
      buttons.append(discard);
      item.append(text, buttons);
      return item;
    }));
  }

  // --- The map: the station's posts and villages (rendered into the page, so they show
  // offline too), and this patrol's own track: what the server has, then what was recorded
  // here, each new fix as it comes. Before the start, where the tablet is. ---
  var mapEl = document.getElementById("tablet-map");
  var widget = mapEl && window.PSMap ? window.PSMap.get(mapEl) : null;
  var sentTrack = [], localTrack = [];
  function drawTrack() {
    if (!widget) return;
    var valid = widget.track(sentTrack.concat(localTrack));
    mapEl.dataset.points = String(valid.length);
    widget.fit(valid, true);
    if (valid.length) widget.follow(valid[valid.length - 1]);
  }
  function trackPoint(p) { return [p.latitude, p.longitude, p.recorded_at, 0]; }
  if (widget) {
    store("points", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      localTrack = rows.map(trackPoint).concat(localTrack);
      drawTrack();
    }, function () {});
    if (navigator.onLine) {
      fetch(api + "track/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { points: [] }; })
        .then(function (data) { sentTrack = data.points || []; drawTrack(); })
        .catch(function () {});
    }
    if (status === "planned" && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (position) {
        if (status !== "planned") return;
        widget.markers("here", [{
          lat: position.coords.latitude, lon: position.coords.longitude, color: "#0d6efd",
          radius: 7, className: "ps-here", label: T.here, priority: 95,
        }]);
      }, function () {}, { maximumAge: 60000, timeout: 20000 });
    }
  }

  var watchingSince = 0;
  function record(position) {
    // A fix older than the watch is the browser's cached one from before: not this walk
    // (and the server would drop it as recorded before the start).
    if (position.timestamp && position.timestamp < watchingSince) return;
    var c = position.coords;
    if ($("[data-testid=message]").textContent === T.noGps) say("");
    lastPosition = c;
    var point = {
      client_id: uuid(),
      recorded_at: new Date(position.timestamp || Date.now()).toISOString(),
      latitude: c.latitude,
      longitude: c.longitude,
      accuracy: c.accuracy === undefined ? null : c.accuracy,
      speed: c.speed === null || c.speed === undefined || isNaN(c.speed) ? null : c.speed * 3.6, // km/h
    };
    store("points", "readwrite", function (s) { return s.add(point); }).then(function () {
      if (widget) {
        widget.layer("here");
        localTrack.push(trackPoint(point));
        drawTrack();
      }
      recorded += 1;
      localStorage.setItem(recordedKey, String(recorded));
      render();
    });
  }
  function watch() {
    if (watchId !== null || !navigator.geolocation) return;
    watchingSince = Date.now();
    watchId = navigator.geolocation.watchPosition(record, function () { say(T.noGps); }, {
      enableHighAccuracy: true, maximumAge: 0, // no timeout: standing still is no error
    });
  }
  function unwatch() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
  }

  function setStatus(value) {
    status = value;
    localStorage.setItem(statusKey, value);
    keepForOffline();
  }

  // The page, its scripts and styles go into the cache the service worker answers from when
  // the network is gone, so that a reload in a dead spot still opens the tablet.
  var CACHE = "ps-tablet-v1";
  function keepForOffline() {
    if (!window.caches || !navigator.onLine) return;
    var urls = [location.pathname];
    document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (el) {
      urls.push(el.src || el.href);
    });
    caches.open(CACHE).then(function (cache) { return cache.addAll(urls); }).catch(function () {});
  }
  if ("serviceWorker" in navigator && root.dataset.sw) {
    navigator.serviceWorker.register(root.dataset.sw).catch(function () {});
  }

  function failed(error) {
    say(error.status ? joined(T.refused, error.message) : T.needsNetwork);
  }

  $("[data-action=start]").addEventListener("click", function () {
    if (!navigator.onLine) return say(T.needsNetwork);
    // The vehicle chosen on the page (none: without one); the server refuses one that is
    // already out on another patrol, and says so.
    var vehicle = $("#start-vehicle");
    var body = vehicle ? { vehicle: vehicle.value ? Number(vehicle.value) : null } : {};
    post(api + "start/", body).then(function () {
      if (vehicle) vehicle.disabled = true;
      setStatus("active");
      say("");
      watch();
      render();
    }, failed);
  });

  $("[data-action=finish]").addEventListener("click", function () {
    if (!navigator.onLine) return say(T.needsNetwork);
    unwatch();
    sync().then(function () { return post(api + "finish/"); }).then(function () {
      setStatus("finished");
      say("");
      render();
      sync();
    }, function (error) {
      failed(error);
      if (status === "active") watch();
    });
  });

  var broadcast = root.querySelector("[data-form=broadcast]");
  if (broadcast) broadcast.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!navigator.onLine) return say(T.needsNetwork);
    var body = { client_id: uuid(), message: broadcast.elements.message.value };
    if (lastPosition) {
      body.latitude = lastPosition.latitude;
      body.longitude = lastPosition.longitude;
    }
    post(api + "broadcasts/", body).then(function () { say(T.broadcastLogged, true); }, failed);
  });

  var finding = root.querySelector("[data-form=finding]");
  // The finding last saved while online: the message says whether the server took it.
  var awaiting = null;
  // A refused finding put back into the form keeps when and where it was seen.
  var restored = null;

  function formIsEmpty() {
    return !finding || !finding.elements.description.value.trim();
  }
  // The refused finding's text back into the form, out of the refused list: the officer
  // chooses another photo (or corrects the text) and saves it again.
  function putBack(row) {
    var f = finding.elements, data = row.data;
    if (f.nothing_found) f.nothing_found.checked = !!data.nothing_found;
    if (data.kind) f.kind.value = data.kind;
    if (f.unit) f.unit.value = data.unit || "";
    f.place.value = data.place || "";
    f.description.value = data.description || "";
    f.photo.value = "";
    visitOnly();
    restored = data;
    say(joined(T.refusedFinding, row.refused, T.textKept));
    return drop("findings", [row.seq]).then(render);
  }
  function refusedNow(row) {
    if (row.seq === awaiting) awaiting = null;
    if (finding && formIsEmpty()) return putBack(row);
    say(joined(T.refusedFinding, row.refused, T.refusedListed));
  }
  // An enterprise visit where nothing was found needs the enterprise (a list rendered into
  // the page, so it works offline) and neither a kind nor a description.
  function visitOnly() {
    var f = finding.elements, nothing = !!(f.nothing_found && f.nothing_found.checked);
    f.kind.disabled = nothing;
    f.description.required = !nothing;
    if (f.unit) f.unit.required = nothing;
    return nothing;
  }
  if (finding && finding.elements.nothing_found) {
    finding.elements.nothing_found.addEventListener("change", visitOnly);
  }
  if (finding) finding.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = finding.elements;
    var nothing = visitOnly();
    var photo = f.photo.files[0] || null;
    var seen = restored || {
      found_at: new Date().toISOString(),
      latitude: lastPosition ? lastPosition.latitude : null,
      longitude: lastPosition ? lastPosition.longitude : null,
    };
    var row = {
      data: {
        client_id: uuid(),
        patrol: patrol,
        kind: nothing ? null : f.kind.value,
        description: f.description.value,
        found_at: seen.found_at,
        place: f.place.value,
        unit: f.unit ? f.unit.value : null,
        nothing_found: nothing || null,
        latitude: seen.latitude,
        longitude: seen.longitude,
      },
      photo: photo,
      photoName: photo ? photo.name : null,
    };
    store("findings", "readwrite", function (s) { return s.add(row); }).then(function (seq) {
      restored = null;
      finding.reset();
      visitOnly();
      if (navigator.onLine) {
        // Said once the server has answered: "sent", or why it refused.
        awaiting = seq;
        say(T.sending, "muted");
      } else {
        say(nothing ? T.visitSaved : T.saved, true);
      }
      render();
      sync();
    }, function () { say(T.noStorage); });
  });

  window.addEventListener("online", function () { pause = 0; render(); sync(); });
  window.addEventListener("offline", render);
  if (status === "active") watch();
  keepForOffline();
  render();
  sync();
})();
