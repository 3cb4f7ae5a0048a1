// Tables and charts wider than a phone scroll sideways inside their own box (Bootstrap's
// .table-responsive, .overflow-x-auto), never the page. Such a box must be reachable by
// keyboard to be scrolled with the arrow keys, and named for a screen reader (WCAG 2.1.1;
// axe's scrollable-region-focusable): this makes every box that does scroll a named tab
// stop, and a box that fits no tab stop at all. It runs again when the width changes and when
// htmx swaps in new content.
(function () {
  "use strict";
  var SELECTOR = ".table-responsive, .overflow-x-auto";

  function nameOf(box) {
    var caption = box.querySelector("caption, figcaption");
    if (!caption) {
      var figure = box.closest("figure");
      caption = figure && figure.querySelector("figcaption");
    }
    var title = box.querySelector("svg title");
    var text = (caption && caption.textContent) || (title && title.textContent) || "";
    return text.replace(/\s+/g, " ").trim();
  }

  function mark(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", nameOf(box) || (document.documentElement.lang === "en"
        ? "Scrollable content" : "Rullbart innehåll"));
      box.dataset.tryggScroll = "1";
    } else if (!scrolls && box.dataset.tryggScroll) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.tryggScroll;
    }
  }

  function markAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(SELECTOR), mark);
  }

  markAll();
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { markAll(); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function () { markAll(); });
  document.addEventListener("toggle", function () { markAll(); }, true);
}());
