// Tab stops made of elements that are not controls (a tabindex on a map's outline, a box)
// with nothing for a screen reader to call them: a keyboard user lands on them unnamed. axe
// does not flag these under WCAG tags; issue #13 found the map's district outlines so.
// Run by tests/browser/conftest.py on every page reached.
(function () {
  var NATIVE = "a[href], button, input, select, textarea, summary, iframe";
  return Array.from(document.querySelectorAll("[tabindex]")).filter(function (e) {
    if (e.tabIndex < 0 || e.matches(NATIVE) || !e.getClientRects().length) { return false; }
    var name = e.getAttribute("aria-label") || e.getAttribute("title") || "";
    var labelled = e.getAttribute("aria-labelledby");
    if (labelled) {
      name += labelled.split(/\s+/).map(function (id) {
        var label = document.getElementById(id);
        return label ? label.textContent : "";
      }).join(" ");
    }
    return !name.trim();
  }).slice(0, 5).map(function (e) { return e.outerHTML.slice(0, 80); });
}())
