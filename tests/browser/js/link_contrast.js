// Links in table cells against the cell's colour as Bootstrap 5.3 paints it (a background
// colour and an inset box-shadow for striped, light and hovered rows); returns those under
// WCAG AA's 4.5:1. Run by tests/browser/conftest.py on every page reached.
(function () {
  function parse(text) {
    var m = (text || '').match(/rgba?\(([^)]+)\)/);
    if (!m) { return null; }
    var p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    if (!top) { return bottom; }
    return [0, 1, 2].map(function (i) { return top[i] * top[3] + bottom[i] * (1 - top[3]); })
      .concat([1]);
  }
  function channel(v) {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }
  function luminance(c) { return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]); }
  var low = [];
  document.querySelectorAll('table td a, table th a').forEach(function (link) {
    if (!link.getClientRects().length || !link.textContent.trim()) { return; }
    var cell = getComputedStyle(link.closest('td, th'));
    var background = over(parse(cell.backgroundColor), [255, 255, 255, 1]);
    background = over(parse(cell.boxShadow), background);
    var colour = over(parse(getComputedStyle(link).color), background);
    var a = luminance(colour), b = luminance(background);
    var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) { low.push(link.textContent.trim().slice(0, 20) + ' ' + ratio.toFixed(2) + ':1'); }
  });
  return low;
}())
