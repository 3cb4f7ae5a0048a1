// The report form's map: the basemap from the portal itself (basemap.js; no tiles needed).
// A tap on a named place fills in the place field with its name; a tap anywhere else fills
// the latitude and longitude fields and says which mellanområde (or utsatt område) was hit.
// The fields stay the source of truth, so the form works without JavaScript and with the
// keyboard (the place field suggests every known name); the map adds no tab stop of its own
// apart from its named zoom buttons and its own focusable container (arrow keys pan).
(function () {
  "use strict";
  var element = document.getElementById("trygg-map");
  if (!element || typeof L === "undefined" || !window.TryggBasemap) { return; }
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var placeName = document.getElementById("id_place_name");
  var status = document.getElementById("trygg-map-status");
  var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 }).setView([57.71, 11.97], 10);
  TryggBasemap.tiles(map, element);

  var marker = null;
  function show(latitude, longitude, move) {
    if (marker) { marker.setLatLng([latitude, longitude]); }
    else {
      marker = L.circleMarker([latitude, longitude], {
        radius: 8, weight: 3, color: "#ffffff", fillColor: "#d63384", fillOpacity: 1, interactive: false
      }).addTo(map);
    }
    if (move) { map.setView([latitude, longitude], Math.max(map.getZoom(), 13)); }
  }
  function say(template, name) {
    // The template is the page's own translated text; the name is set as text.
    if (status) { status.textContent = (template || "%s").replace("%s", name); }
  }
  function fill(latitude, longitude) {
    lat.value = latitude.toFixed(5);
    lon.value = longitude.toFixed(5);
  }
  function markPoint(latlng, name) {
    fill(latlng.lat, latlng.lng);
    show(latlng.lat, latlng.lng, false);
    if (name) { say(element.dataset.textArea, name); }
    else { say(element.dataset.textPoint, latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5)); }
  }
  var hitArea = null;
  map.on("click", function (event) {
    markPoint(event.latlng, hitArea);
    hitArea = null;
  });

  TryggBasemap.load(element, function (data) {
    var layers = TryggBasemap.draw(map, data, {
      // An area's click comes before the map's: it names what the map's click marks.
      onArea: function (area, latlng) {
        if (area.geometry) { hitArea = area.name + " (" + area.district + ")"; }
        else { markPoint(latlng, area.label); }  // an utsatt område's mark stops the click
      },
      onPlace: function (place) {
        if (placeName) {
          placeName.value = place.name;
          placeName.dispatchEvent(new Event("change", { bubbles: true }));
        }
        // The place decides where the report is: a point of its own would take precedence.
        lat.value = "";
        lon.value = "";
        show(place.latitude, place.longitude, false);
        say(element.dataset.textPlace, place.name);
      }
    });
    map.fitBounds(layers.districts.getBounds(), { animate: false });
    layers.relabel();
    fromFields();
    element.dataset.ready = "1";
  });

  function fromFields() {
    var latitude = parseFloat(lat.value), longitude = parseFloat(lon.value);
    if (!isNaN(latitude) && !isNaN(longitude)) { show(latitude, longitude, true); }
  }
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  var locate = document.getElementById("trygg-locate");
  if (navigator.geolocation && locate) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        fill(position.coords.latitude, position.coords.longitude);
        show(position.coords.latitude, position.coords.longitude, true);
      });
    });
  }
}());
