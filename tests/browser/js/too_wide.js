// The innermost elements reaching past the window's right edge: what makes a page scroll
// sideways. What lies inside a box that scrolls on its own is clipped there, so such a box
// counts as one element, except what is positioned outside it (absolute, fixed): that escapes
// the box's clipping. Run by tests/browser/conftest.py at phone width.
(function () {
  var SCROLLS = ".table-responsive, .overflow-x-auto";
  function past(e) { return e.getBoundingClientRect().right > window.innerWidth + 1; }
  function escapes(e) {
    var position = getComputedStyle(e).position;
    return position === "absolute" || position === "fixed";
  }
  return Array.from(document.body.querySelectorAll("*")).filter(function (e) {
    if (!past(e)) { return false; }
    if (e.parentElement && e.parentElement.closest(SCROLLS) && !escapes(e)) { return false; }
    return e.matches(SCROLLS) || !Array.from(e.children).some(past);
  }).slice(0, 5).map(function (e) {
    var name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "");
    if (typeof e.className === "string" && e.className) { name += "." + e.className.split(" ").join("."); }
    return name + " (" + Math.round(e.getBoundingClientRect().right) + " px)";
  });
}())
