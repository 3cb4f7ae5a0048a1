// The cause analysis's "Add a cause": a new empty row in the page, copied from the formset's
// empty form (a <template>), with the formset's count raised, so nothing has to be saved first.
// Without JavaScript the same button asks the server for the page with one row more.
(function () {
  "use strict";
  var button = document.getElementById("trygg-add-cause");
  var template = document.getElementById("trygg-cause-template");
  var total = document.getElementById("id_causes-TOTAL_FORMS");
  var body = document.querySelector("#trygg-causes tbody");
  if (!button || !template || !total || !body) { return; }
  var max = parseInt(button.getAttribute("data-max"), 10) || 40;

  button.addEventListener("click", function (event) {
    var index = parseInt(total.value, 10);
    if (index >= max) { return; }  // the server says why
    event.preventDefault();
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var description = document.getElementById("id_causes-" + index + "-description");
    if (description) { description.focus(); }
    if (index + 1 >= max) { button.disabled = true; }
  });
})();
