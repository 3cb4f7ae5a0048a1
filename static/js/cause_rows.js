// The cause analysis's "Add a cause": a new empty row in the page, copied from the formset's
// empty form (a <template>), with the formset's count raised, so nothing has to be saved first.
// Without JavaScript the same button asks the server for the page with one row more.
// The row is cloned as DOM nodes and renamed attribute by attribute: no HTML is written.
(function () {
  "use strict";
  var button = document.getElementById("trygg-add-cause");
  var template = document.getElementById("trygg-cause-template");
  var total = document.getElementById("id_causes-TOTAL_FORMS");
  var body = document.querySelector("#trygg-causes tbody");
  if (!button || !template || !total || !body || !template.content) { return; }
  var max = parseInt(button.getAttribute("data-max"), 10) || 40;
  var NAMED = ["id", "name", "for", "aria-describedby"];

  function renumber(row, index) {
    row.querySelectorAll("*").forEach(function (element) {
      NAMED.forEach(function (name) {
        var value = element.getAttribute(name);
        if (value) { element.setAttribute(name, value.split("__prefix__").join(String(index))); }
      });
    });
    var walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      node.textContent = node.textContent.split("__number__").join(String(index + 1));
    }
  }

  button.addEventListener("click", function (event) {
    var index = parseInt(total.value, 10);
    if (index >= max) { return; }  // the server says why
    event.preventDefault();
    var row = template.content.cloneNode(true).querySelector("tr");
    renumber(row, index);
    body.appendChild(row);
    total.value = String(index + 1);
    var description = document.getElementById("id_causes-" + index + "-description");
    if (description) { description.focus(); }
    if (index + 1 >= max) { button.disabled = true; }
  });
})();
