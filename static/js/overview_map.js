// The overview's map: the district outlines from the portal itself (no tiles needed), each
// filled by its rate. Everything it shows is in the table beside it, so it is an image for
// screen readers and needs no keyboard handling; a click on a district opens its dashboard.
// Names come from the database (an administrator can type anything), so every text reaches
// the page as a DOM text node: Leaflet treats a string given to bindTooltip, bindPopup or
// an attribution as HTML.
(function () {
  "use strict";
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  // Leaflet's attribution takes HTML only: it gets the operator's text escaped.
  function escaped(text) { return asText(text).innerHTML; }
  var element = document.getElementById("overview-map");
  var data = document.getElementById("overview-map-data");
  if (!element || !data || typeof L === "undefined") { return; }
  var areas = JSON.parse(data.textContent);
  if (!areas.length) { return; }
  var map = L.map(element, { scrollWheelZoom: false, keyboard: false, attributionControl: !!element.dataset.tileUrl });
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { attribution: escaped(element.dataset.tileAttribution), maxZoom: 18 }).addTo(map);
  }
  var layers = L.featureGroup(areas.map(function (area) {
    var layer = L.geoJSON(area.geometry, {
      style: { weight: 2, color: "#12355b", fillColor: area.colour, fillOpacity: 0.85 }
    }).bindTooltip(asText(area.label), { sticky: true });
    // Only the portal's own paths: never a javascript: or outside address.
    if (area.url && area.url.charAt(0) === "/" && area.url.charAt(1) !== "/") {
      layer.on("click", function () { window.location.href = area.url; });
    }
    return layer;
  })).addTo(map);
  map.fitBounds(layers.getBounds());
}());
