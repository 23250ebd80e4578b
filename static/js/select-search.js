// A search box for a long select (the 116 incident categories): typing "斗殴" or "0202"
// keeps only the options whose text holds every typed word, and chooses the first of them.
// A select marked data-search="placeholder text" gets one; without this script it stays a
// plain select. No library: the police network reaches no CDN, and the CSP allows no
// inline script.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function enhance(select) {
    var all = Array.prototype.slice.call(select.options).map(function (option) {
      return { value: option.value, text: option.text };
    });
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 select-search";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    var count = document.createElement("div");
    count.className = "form-text mt-0 select-search-count";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select.nextSibling);

    function show(options, chosen) {
      select.textContent = "";
      options.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.value;
        option.text = item.text;
        select.appendChild(option);
      });
      select.value = chosen;
    }

    box.addEventListener("input", function () {
      var terms = words(box.value);
      var before = select.value;
      if (!terms.length) {
        show(all, before);
        count.textContent = "";
        return;
      }
      var found = all.filter(function (item) {
        var text = item.text.toLowerCase();
        return item.value && terms.every(function (term) { return text.indexOf(term) !== -1; });
      });
      if (!found.length) {
        show([{ value: "", text: select.dataset.searchNone }], "");
      } else {
        var keep = found.some(function (item) { return item.value === before; });
        show(found, keep ? before : found[0].value);
      }
      count.textContent = select.dataset.searchCount.replace("%(n)s", found.length);
      if (select.value !== before) select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    // Enter or the down arrow goes on to the list, never submits the form half filled.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-search]"), enhance);
})();
