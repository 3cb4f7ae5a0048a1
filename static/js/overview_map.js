// The density maps of the dashboards and the report list: the basemap (basemap.js) with the
// squares of the viewer's readable reports over it. Everything it shows is in the tables
// beside it (per district, per mellanområde), so keyboard and screen-reader users have it
// there; the map takes no keyboard focus itself (its zoom buttons are named links). On the
// citywide dashboard a click in a district opens that district's dashboard.
//
// Every map is a ``.trygg-density-map`` element naming its data: data-basemap-url, and the
// ids of the elements holding the density (data-density) and the links (data-links) as JSON.
// The report list swaps its results (and map) with htmx; a new map is drawn after a swap.
(function () {
  "use strict";
  var GOTEBORG = [57.71, 11.97];
  var HOTSPOT = "#b2182b";

  // A json_script element, or (what htmx swaps in) an element with the JSON in data-json.
  function json(id) {
    var element = id && document.getElementById(id);
    if (!element) { return null; }
    return JSON.parse(element.dataset.json !== undefined ? element.dataset.json : element.textContent);
  }

  function start(element) {
    if (element.dataset.started || typeof L === "undefined" || !window.TryggBasemap) { return; }
    // The dashboards load their density after the page (htmx): wait for it.
    if (element.dataset.density && !document.getElementById(element.dataset.density)) { return; }
    element.dataset.started = "1";
    var map = L.map(element, {
      scrollWheelZoom: false, keyboard: false, zoomSnap: 0.25, attributionControl: !!element.dataset.tileUrl
    }).setView(GOTEBORG, 10);
    TryggBasemap.tiles(map, element);
    var density = json(element.dataset.density);
    // [{slug, url}, ...] of the districts whose dashboards a click may open.
    var links = {};
    (json(element.dataset.links) || []).forEach(function (district) { links[district.slug] = district.url; });
    TryggBasemap.load(element, function (data) {
      var layers = TryggBasemap.draw(map, data, { density: density, links: links });
      outlineHotspots(layers);
      var focus = element.dataset.focus;
      var shown = data.districts.filter(function (district) { return !focus || district.slug === focus; });
      var view = L.geoJSON(shown.map(function (district) { return district.geometry; })).getBounds();
      if (!focus && layers.density) { view = layers.density.getBounds(); }
      map.fitBounds(view.isValid() ? view : layers.districts.getBounds(), { padding: [4, 4], animate: false });
      layers.relabel();
      element.dataset.ready = "1";
    });
  }

  // The dashboards' hotspots (templates/analysis/hotspots.html): the codes of the
  // mellanområden to outline; the table beside the map names them in text.
  function outlineHotspots(layers) {
    var hot = json("overview-map-hotspots") || [];
    if (!hot.length) { return; }
    layers.areas.eachLayer(function (layer) {
      if (hot.indexOf(layer.area.code) !== -1) {
        layer.setStyle({ weight: 3.5, color: HOTSPOT, opacity: 1, dashArray: null });
        layer.bringToFront();
      }
    });
  }

  // A map inside a closed <details> has no size yet: it is drawn when opened.
  function startWhenShown(element) {
    var details = element.closest("details");
    if (details && !details.open) {
      details.addEventListener("toggle", function () { if (details.open) { start(element); } });
      return;
    }
    start(element);
  }
  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".trygg-density-map"), startWhenShown);
  }
  startAll();
  document.addEventListener("htmx:afterSettle", startAll);
}());
