// The report form's map: district outlines from the portal itself (no tiles needed), a click
// or the phone's position fills the latitude and longitude fields, which stay the source of
// truth so the form works without JavaScript and with the keyboard. District names reach the
// map as DOM text nodes, never as HTML strings (Leaflet renders a string as HTML).
(function () {
  "use strict";
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  // Leaflet's attribution takes HTML only: it gets the operator's text escaped.
  function escaped(text) { return asText(text).innerHTML; }
  var element = document.getElementById("trygg-map");
  if (!element || typeof L === "undefined") { return; }
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var map = L.map(element, { scrollWheelZoom: false }).setView([57.71, 11.97], 10);
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: escaped(element.dataset.tileAttribution), maxZoom: 18 }).addTo(map);
  }
  var boundaries = JSON.parse(document.getElementById("trygg-boundaries").textContent);
  var outlines = L.featureGroup(boundaries.map(function (district) {
    return L.geoJSON(district.geometry, { style: { weight: 2, color: "#12355b", fillOpacity: 0.08 } })
      .bindTooltip(asText(district.name));
  })).addTo(map);
  map.fitBounds(outlines.getBounds());
  var marker = null;
  function place(latitude, longitude, move) {
    if (marker) { marker.setLatLng([latitude, longitude]); }
    else { marker = L.marker([latitude, longitude], { keyboard: true }).addTo(map); }
    if (move) { map.setView([latitude, longitude], Math.max(map.getZoom(), 13)); }
  }
  function fill(latitude, longitude) {
    lat.value = latitude.toFixed(5);
    lon.value = longitude.toFixed(5);
  }
  map.on("click", function (event) {
    fill(event.latlng.lat, event.latlng.lng);
    place(event.latlng.lat, event.latlng.lng, false);
  });
  function fromFields() {
    var latitude = parseFloat(lat.value), longitude = parseFloat(lon.value);
    if (!isNaN(latitude) && !isNaN(longitude)) { place(latitude, longitude, true); }
  }
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  fromFields();
  var locate = document.getElementById("trygg-locate");
  if (navigator.geolocation && locate) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        fill(position.coords.latitude, position.coords.longitude);
        place(position.coords.latitude, position.coords.longitude, true);
      });
    });
  }
}());
