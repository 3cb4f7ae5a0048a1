// The maps' basemap from the portal's own data (/karta/grundkarta.json), so a map says
// something without a tile server: the mellanområden outlined and labelled, the districts,
// the named places and the police's utsatta områden, and (on the dashboards and the report
// list) a density layer of squares. Shared by overview_map.js and report_form.js.
//
// Names come from the database and the data files (an administrator can type anything), so
// every text reaches Leaflet as a DOM text node: Leaflet treats a string given to
// bindTooltip, setContent or an attribution as HTML.
//
// Labels do not clutter: after every zoom or move, labels are placed greedily (districts
// when zoomed out, then the largest mellanområden, then places and utsatta områden), and a
// label is left out where it would overlap one already placed or not fit in its area.
(function () {
  "use strict";
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  // Leaflet's attribution takes HTML only: it gets the operator's text escaped.
  function escaped(text) { return asText(text).innerHTML; }

  var INK = "#12355b";
  var VULNERABLE = {
    particularly: { color: "#67001f", radius: 9 },
    risk: { color: "#b2182b", radius: 7.5 },
    vulnerable: { color: "#d6604d", radius: 6 }
  };
  var LABEL_HEIGHT = 16;
  var CHARACTER_WIDTH = 6.2;

  // Only the portal's own paths: never a javascript: or outside address.
  function ownPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function tiles(map, element) {
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { attribution: escaped(element.dataset.tileAttribution || ""), maxZoom: 18 }).addTo(map);
    }
  }

  function bounds(geometry) { return L.geoJSON(geometry).getBounds(); }

  // A label candidate: text at a point, shown only where it fits.
  function candidate(text, latlng, fitsIn, className, characterWidth) {
    var tooltip = L.tooltip({ permanent: true, direction: "center", className: "trygg-label " + className, interactive: false })
      .setLatLng(latlng).setContent(asText(text));
    return { text: text, latlng: latlng, fitsIn: fitsIn, tooltip: tooltip, shown: false, characterWidth: characterWidth || CHARACTER_WIDTH };
  }

  function placeLabels(map, groups) {
    var placed = [];
    var size = map.getSize();
    groups.forEach(function (group) {
      group.labels.forEach(function (label) {
        var show = group.when(map.getZoom());
        var box = null;
        if (show) {
          var point = map.latLngToContainerPoint(label.latlng);
          var width = label.text.length * label.characterWidth + 8;
          box = { left: point.x - width / 2, right: point.x + width / 2, top: point.y - LABEL_HEIGHT / 2, bottom: point.y + LABEL_HEIGHT / 2 };
          show = box.right > 0 && box.left < size.x && box.bottom > 0 && box.top < size.y;
          if (show && label.fitsIn) {
            // The label must fit in its own area, or it would seem to name its neighbour.
            var area = label.fitsIn;
            var northWest = map.latLngToContainerPoint(area.getNorthWest());
            var southEast = map.latLngToContainerPoint(area.getSouthEast());
            show = (southEast.x - northWest.x) >= width * 0.8 && (southEast.y - northWest.y) >= LABEL_HEIGHT * 1.5;
          }
          show = show && !placed.some(function (other) {
            return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
          });
        }
        if (show) { placed.push(box); }
        if (show && !label.shown) { label.tooltip.addTo(map); }
        if (!show && label.shown) { label.tooltip.remove(); }
        label.shown = show;
      });
    });
  }

  // Draws the basemap on ``map``. options: density ({cells, by_intermediate_area labels}),
  // links (district slug -> a path of the portal), onArea(area, latlng), onPlace(place).
  function draw(map, data, options) {
    options = options || {};
    var density = options.density || null;
    var areaTexts = (density && density.area_labels) || {};
    var layers = {};

    layers.areas = L.featureGroup(data.intermediate_areas.map(function (area) {
      var text = areaTexts[area.code] || (area.name + " (" + area.district + ")");
      var layer = L.geoJSON(area.geometry, {
        style: { weight: 1, color: INK, opacity: 0.7, fillColor: "#ffffff", fillOpacity: density ? 0 : 0.35, dashArray: "3 3" }
      }).bindTooltip(asText(text), { sticky: true });
      var link = options.links && options.links[area.district_slug];
      layer.on("click", function (event) {
        if (options.onArea) { options.onArea(area, event.latlng); }
        else if (ownPath(link)) { window.location.href = link; }
      });
      layer.area = area;
      return layer;
    })).addTo(map);

    if (density && density.cells.length) {
      layers.density = L.featureGroup(density.cells.map(function (cell) {
        return L.rectangle([[cell.south, cell.west], [cell.north, cell.east]], {
          weight: 0, fillColor: cell.colour, fillOpacity: 0.75
        }).bindTooltip(asText(cell.label), { sticky: true });
      })).addTo(map);
    }

    layers.districts = L.featureGroup(data.districts.map(function (district) {
      return L.geoJSON(district.geometry, { interactive: false, style: { weight: 2.5, color: INK, fill: false } });
    })).addTo(map);

    layers.places = L.featureGroup(data.places.map(function (place) {
      var marker = L.circleMarker([place.latitude, place.longitude], {
        radius: 4, weight: 1.5, color: "#ffffff", fillColor: INK, fillOpacity: 1
      }).bindTooltip(asText(place.name));
      marker.on("click", function (event) {
        if (options.onPlace) {
          L.DomEvent.stopPropagation(event);
          options.onPlace(place);
        }
      });
      return marker;
    })).addTo(map);

    layers.vulnerable = L.featureGroup(data.vulnerable_areas.map(function (area) {
      var style = VULNERABLE[area.category] || VULNERABLE.vulnerable;
      var marker = L.circleMarker([area.latitude, area.longitude], {
        radius: style.radius, weight: 2.5, color: style.color, fill: false, dashArray: area.category === "vulnerable" ? "3 2" : null
      }).bindTooltip(asText(area.label));
      marker.on("click", function (event) {
        if (options.onArea) {
          L.DomEvent.stopPropagation(event);
          options.onArea(area, event.latlng);
        }
      });
      return marker;
    })).addTo(map);

    var groups = [
      { when: function (zoom) { return zoom <= 10; }, labels: data.districts.map(function (district) {
        return candidate(district.name, bounds(district.geometry).getCenter(), null, "trygg-label-district", 10);
      }) },
      { when: function () { return true; }, labels: data.intermediate_areas.slice().sort(function (a, b) {
        return b.area_km2 - a.area_km2;
      }).map(function (area) {
        return candidate(area.name, L.latLng(area.label_at[0], area.label_at[1]), bounds(area.geometry), "trygg-label-area");
      }) },
      { when: function (zoom) { return zoom >= 12; }, labels: data.vulnerable_areas.map(function (area) {
        return candidate(area.name, L.latLng(area.latitude, area.longitude), null, "trygg-label-vulnerable");
      }) },
      { when: function (zoom) { return zoom >= 13; }, labels: data.places.map(function (place) {
        return candidate(place.name, L.latLng(place.latitude, place.longitude), null, "trygg-label-place");
      }) }
    ];
    function relabel() { placeLabels(map, groups); }
    map.on("zoomend moveend resize", relabel);
    layers.relabel = relabel;
    return layers;
  }

  // Fetches the basemap (same origin only) and calls back with its data.
  function load(element, callback) {
    var url = element.dataset.basemapUrl;
    if (!ownPath(url) || !window.fetch) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { callback(data); } });
  }

  window.TryggBasemap = { asText: asText, draw: draw, load: load, ownPath: ownPath, tiles: tiles };
}());
