// Live pages (apps/live): one WebSocket per page brings the server's events; each element
// marked data-live="topic …" is refreshed when an event of its topics arrives (and, with
// data-live-id, only for that record): it gets a "live" DOM event, on which htmx fetches
// it again (hx-trigger="live") or a script of the page acts. When the socket cannot open
// or drops (a proxy that blocks WebSocket, the network), the page polls instead: every
// element every data-live-every seconds, until the socket is back. #live-mode says which.
(function () {
  "use strict";
  var mode = document.getElementById("live-mode");
  if (!mode) return;
  var PING_EVERY = 25000; // a proxy closes a silent socket after about a minute
  var SILENT_FOR = 60000; // no word from the server this long: the line is dead
  var MAX_WAIT = 60000; // longest wait between attempts to reconnect
  var state = "";
  var wasPush = false;
  var wait = 1000;
  var socket = null;
  var lastAsked = new WeakMap(); // element → when it was last refreshed (poll mode)
  var heard = 0;
  var pending = new Map();

  function elements() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-live]"));
  }

  // Coalesce a burst: an element is fetched at most once per 300 ms.
  function refresh(el) {
    if (pending.has(el)) return;
    pending.set(el, window.setTimeout(function () {
      pending.delete(el);
      el.dispatchEvent(new CustomEvent("live", { bubbles: false }));
    }, 300));
  }

  function setMode(next) {
    if (state === next) return;
    var catchUp = next === "push" && wasPush;
    state = next;
    if (next === "push") wasPush = true;
    document.documentElement.dataset.live = next;
    mode.textContent = mode.dataset["text" + (next === "push" ? "Push" : "Poll")];
    mode.title = mode.dataset["title" + (next === "push" ? "Push" : "Poll")];
    mode.classList.toggle("text-bg-success", next === "push");
    mode.classList.toggle("text-bg-warning", next === "poll");
    if (catchUp) elements().forEach(refresh); // what happened while the line was down
  }

  // Poll mode: each element when its own interval has passed. The elements are looked up
  // at every tick, as a refresh may have replaced them (an htmx swap of the element itself).
  window.setInterval(function () {
    if (state !== "poll") return;
    var now = Date.now();
    elements().forEach(function (el) {
      var every = parseInt(el.dataset.liveEvery, 10) * 1000;
      if (!(every > 0)) return;
      if (!lastAsked.has(el)) lastAsked.set(el, now);
      if (now - lastAsked.get(el) >= every) {
        lastAsked.set(el, now);
        refresh(el);
      }
    });
  }, 1000);

  function badge(unread) {
    var count = document.getElementById("unread-count");
    var link = document.getElementById("messages-link");
    if (!count && link) {
      count = document.createElement("span");
      count.id = "unread-count";
      count.className = "badge text-bg-danger ms-1";
      link.appendChild(count);
    }
    if (!count) return;
    count.textContent = unread;
    count.classList.toggle("d-none", !unread);
  }

  function toast(event) {
    var box = document.getElementById("live-toasts");
    var text = box && box.dataset["text" + event.toast.charAt(0).toUpperCase() + event.toast.slice(1)];
    if (!text || !window.bootstrap) return;
    var item = document.createElement("div");
    item.className = "toast align-items-center text-bg-warning border-0";
    item.setAttribute("role", "alert");
    item.dataset.topic = event.topic;
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text + " " + (event.number || event.place || "");
    if (event.url) {
      var open = document.createElement("a");
      open.href = event.url;
      open.className = "ms-2 link-dark fw-bold";
      open.textContent = box.dataset.open;
      body.appendChild(open);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", box.dataset.close);
    row.appendChild(body);
    row.appendChild(close);
    item.appendChild(row);
    box.appendChild(item);
    item.addEventListener("hidden.bs.toast", function () { item.remove(); });
    new window.bootstrap.Toast(item, { delay: 15000 }).show();
  }

  function receive(event) {
    if (event.topic === "hello") return setMode("push");
    if (event.topic === "badge") return badge(event.unread);
    if (event.toast) toast(event);
    elements().forEach(function (el) {
      var topics = el.dataset.live.split(" ");
      if (topics.indexOf(event.topic) < 0) return;
      if (el.dataset.liveId && String(event.id) !== el.dataset.liveId) return;
      refresh(el);
    });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + mode.dataset.url);
    } catch (error) {
      return retry();
    }
    socket.onmessage = function (message) {
      heard = Date.now();
      var event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      if (event && event.topic) receive(event);
    };
    socket.onopen = function () { heard = Date.now(); wait = 1000; };
    socket.onclose = function () { socket = null; setMode("poll"); retry(); };
  }

  function retry() {
    window.setTimeout(connect, wait);
    wait = Math.min(wait * 2, MAX_WAIT);
  }

  window.setInterval(function () {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - heard > SILENT_FOR) return socket.close();
    socket.send(JSON.stringify("ping"));
  }, PING_EVERY);

  setMode("poll"); // until the socket says hello
  if (window.WebSocket && mode.dataset.url) connect();
})();
