// Gender and date of birth from the ID number as it is typed (GB 11643-1999: characters 7-14
// are the date of birth, the 17th is odd for a man), for the registry's person forms. Only a
// convenience: the server fills in both from the number whatever the page sends.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function parse(raw) {
    var value = raw.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) return null;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(value[i]) * WEIGHTS[i];
    if (CHECK[sum % 11] !== value[17]) return null;
    var birth = value.slice(6, 10) + "-" + value.slice(10, 12) + "-" + value.slice(12, 14);
    var date = new Date(birth + "T00:00:00Z");
    if (isNaN(date) || date.toISOString().slice(0, 10) !== birth) return null;
    return { birth: birth, gender: Number(value[16]) % 2 ? "male" : "female" };
  }

  document.querySelectorAll("input[data-id-number]").forEach(function (input) {
    var fields = input.form.elements;
    input.addEventListener("input", function () {
      var parsed = parse(input.value);
      if (!parsed) return;
      if (fields.gender) fields.gender.value = parsed.gender;
      if (fields.birth_date) fields.birth_date.value = parsed.birth;
    });
  });
})();
