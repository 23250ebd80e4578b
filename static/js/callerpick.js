// The intake's caller lookup (templates/registry/_caller_lookup.html): picking one of the
// registry's matches links the incident to that person (the form's caller_person) and fills
// in the caller's name, and the phone when a phone was what the desk typed.
(function () {
  "use strict";
  var box = document.getElementById("caller-lookup");
  if (!box) return;
  var form = box.form;
  var picked = document.getElementById("caller-picked");
  var matches = document.getElementById("caller-matches");

  function pick(id, name) {
    form.elements.caller_person.value = id;
    picked.querySelector("[data-caller-picked]").textContent = name;
    picked.hidden = !id;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-caller-person]");
    if (button) {
      var name = button.getAttribute("data-caller-name");
      pick(button.getAttribute("data-caller-person"), name);
      if (form.elements.caller_name && !form.elements.caller_name.value) {
        form.elements.caller_name.value = name;
      }
      // A whole phone as the search takes it (apps/core/filters.py): +86 and separators off.
      var typed = box.value.replace(/[\s-]/g, "").match(/^(?:\+86|0086)?(\d{7,12})$/);
      var phone = form.elements.caller_phone;
      if (phone && !phone.value && typed) {
        phone.value = typed[1];
        // The intake asks for the caller's history when the phone field is typed in.
        phone.dispatchEvent(new KeyboardEvent("keyup"));
      }
      matches.replaceChildren();
    } else if (event.target.closest("[data-caller-clear]")) {
      pick("", "");
    }
  });
})();
