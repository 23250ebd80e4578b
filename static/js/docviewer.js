// The officer's document viewer on the tablet: a tap on a document's card shows it in the
// page instead of a new tab. Images pinch-zoom and pan with the fingers (pointer events, so a
// mouse and a pen work too), zoom with the wheel or the +/− buttons and reset; PDFs are
// embedded from the same access-checked URL, with a link to open them in full. Without
// JavaScript the cards stay plain links to the files.
(function () {
  "use strict";
  var viewer = document.getElementById("doc-viewer");
  if (!viewer) return;
  var stage = viewer.querySelector(".doc-stage");
  var title = viewer.querySelector(".doc-title");
  var full = viewer.querySelector(".doc-open");
  var zoomButtons = viewer.querySelectorAll("[data-zoom]");
  var MIN = 1, MAX = 8, STEP = 1.5;
  var image = null;
  var view = { scale: 1, x: 0, y: 0 };
  var pointers = new Map();
  var gesture = null;

  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }

  function apply() {
    if (!image) return;
    // Keep the picture over the stage: at scale 1 it sits still, zoomed in it pans no
    // further than its edges.
    var w = stage.clientWidth, h = stage.clientHeight;
    view.x = clamp(view.x, w - w * view.scale, 0);
    view.y = clamp(view.y, h - h * view.scale, 0);
    image.style.transform =
      "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
    viewer.dataset.scale = view.scale.toFixed(2);
  }

  // Scale by a factor around a point of the stage (the fingers' midpoint, the cursor or
  // the centre), so that what is under it stays under it.
  function zoomAt(factor, px, py) {
    var scale = clamp(view.scale * factor, MIN, MAX);
    var k = scale / view.scale;
    view.x = px - (px - view.x) * k;
    view.y = py - (py - view.y) * k;
    view.scale = scale;
    apply();
  }

  function reset() {
    view = { scale: 1, x: 0, y: 0 };
    apply();
  }

  function local(event) {
    var box = stage.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  function snapshot() {
    var points = Array.from(pointers.values());
    if (points.length >= 2) {
      var a = points[0], b = points[1];
      return {
        distance: Math.hypot(a.x - b.x, a.y - b.y) || 1,
        x: (a.x + b.x) / 2,
        y: (a.y + b.y) / 2,
      };
    }
    return points.length ? { distance: 0, x: points[0].x, y: points[0].y } : null;
  }

  stage.addEventListener("pointerdown", function (event) {
    if (!image) return;
    // Keep the gesture when a finger strays off the stage (a synthetic event has nothing
    // to capture, which must not stop the gesture).
    try { stage.setPointerCapture(event.pointerId); } catch (e) { /* nothing to capture */ }
    pointers.set(event.pointerId, local(event));
    gesture = snapshot();
  });
  stage.addEventListener("pointermove", function (event) {
    if (!image || !pointers.has(event.pointerId)) return;
    pointers.set(event.pointerId, local(event));
    var now = snapshot();
    if (gesture && now) {
      view.x += now.x - gesture.x;
      view.y += now.y - gesture.y;
      if (gesture.distance && now.distance) {
        zoomAt(now.distance / gesture.distance, now.x, now.y);
      } else {
        apply();
      }
    }
    gesture = now;
  });
  function release(event) {
    pointers.delete(event.pointerId);
    gesture = snapshot();
  }
  stage.addEventListener("pointerup", release);
  stage.addEventListener("pointercancel", release);
  stage.addEventListener("wheel", function (event) {
    if (!image) return;
    event.preventDefault();
    var at = local(event);
    zoomAt(event.deltaY < 0 ? 1.2 : 1 / 1.2, at.x, at.y);
  }, { passive: false });
  stage.addEventListener("dblclick", function () { if (image) reset(); });

  Array.prototype.forEach.call(zoomButtons, function (button) {
    button.addEventListener("click", function () {
      var how = button.dataset.zoom;
      if (how === "reset") return reset();
      zoomAt(how === "in" ? STEP : 1 / STEP, stage.clientWidth / 2, stage.clientHeight / 2);
    });
  });

  function show(card) {
    var src = card.getAttribute("href");
    var isPdf = card.dataset.type === "application/pdf";
    stage.replaceChildren();
    pointers.clear();
    gesture = null;
    image = null;
    view = { scale: 1, x: 0, y: 0 };
    if (isPdf) {
      var embed = document.createElement("object");
      embed.type = "application/pdf";
      embed.data = src;
      embed.className = "doc-pdf";
      var fallback = document.createElement("a");
      fallback.href = src;
      fallback.target = "_blank";
      fallback.rel = "noopener";
      fallback.textContent = full.textContent;
      embed.appendChild(fallback);
      stage.appendChild(embed);
    } else {
      image = document.createElement("img");
      image.src = src;
      image.alt = card.dataset.label;
      image.draggable = false;
      stage.appendChild(image);
      apply();
    }
    viewer.dataset.kind = isPdf ? "pdf" : "image";
    stage.classList.toggle("doc-stage-pdf", isPdf);
    Array.prototype.forEach.call(zoomButtons, function (b) { b.disabled = isPdf; });
    title.textContent = card.dataset.label;
    full.href = src;
    viewer.hidden = false;
    viewer.scrollIntoView({ block: "nearest" });
    markOpened(card);
  }

  // The server noted the opening when it served the file; the cards and the approval's
  // list of documents not opened yet follow suit without a reload.
  function markOpened(card) {
    card.dataset.opened = "1";
    var left = Array.prototype.filter.call(
      document.querySelectorAll("[data-doc-viewer]"),
      function (c) { return c.dataset.opened === "0"; }
    );
    var block = document.getElementById("unopened-block");
    if (!block) return;
    if (left.length === 0) {
      block.hidden = true;
      return;
    }
    document.getElementById("unopened-list").textContent =
      left.map(function (c) { return c.dataset.label; }).join("、");
  }

  document.querySelectorAll("[data-doc-viewer]").forEach(function (card) {
    card.addEventListener("click", function (event) {
      event.preventDefault();
      show(card);
    });
  });
  viewer.querySelector(".doc-close").addEventListener("click", function () {
    viewer.hidden = true;
    stage.replaceChildren();
    image = null;
  });
  window.addEventListener("resize", apply);
})();
