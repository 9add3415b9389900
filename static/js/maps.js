// Maps, drawn by Leaflet (static/leaflet/, from npm). Progressive enhancement: every map
// container starts hidden and every page says the same as text (a list of the places, the
// coordinates, the latitude and longitude fields), so without this file nothing is missing.
//
// Three kinds, by data-map:
//   "markers": the places of a list (ideas, a budget's projects), from a json_script;
//   "place":   one item's place (data-lat, data-lng);
//   "pin":     a form's latitude and longitude fields, set by a click, a tap or a drag.
// Each names its settings (maps.config.map_config) with data-map-config: a tile server, or
// the municipality's schematic outline shipped with Høst, which needs nothing from outside.
(function () {
  "use strict";

  // Høst's green pin; the map's own texts come from the page, never from here.
  var PIN_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 36" width="24" height="36" ' +
    'aria-hidden="true" focusable="false"><path d="M12 1C5.9 1 1 5.9 1 12c0 8.3 11 23 11 23s11-14.7 ' +
    '11-23C23 5.9 18.1 1 12 1z" fill="#44831e" stroke="#fff" stroke-width="2"/>' +
    '<circle cx="12" cy="12" r="4.5" fill="#fff"/></svg>';

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function readJson(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function pinIcon() {
    return L.divIcon({className: "hoest-map-pin", html: PIN_SVG, iconSize: [24, 36], iconAnchor: [12, 35],
                      popupAnchor: [0, -32]});
  }

  function drawOutline(map, data) {
    L.geoJSON(data, {
      interactive: false,
      style: function (feature) {
        // SVG attributes, not inline styles: the Content-Security-Policy allows no style="".
        return feature.properties.kind === "municipality"
          ? {color: "#5c6b4f", weight: 2, fillColor: "#fbfaf4", fillOpacity: 1}
          : {color: "#8c9680", weight: 1, dashArray: "4 4", fill: false};
      }
    }).addTo(map);
    data.features.forEach(function (feature) {
      if (feature.properties.kind !== "district" || !feature.properties.label) return;
      L.marker(feature.properties.label, {
        interactive: false, keyboard: false, zIndexOffset: -1000,
        icon: L.divIcon({className: "hoest-map-label", html: escapeHtml(feature.properties.name), iconSize: null})
      }).addTo(map);
    });
  }

  // A map in `element` with the settings `config`: zoom buttons and credits in the page's
  // language, and the tiles or the outline beneath.
  function baseMap(element, config, options) {
    // Quarter zoom steps when fitting, so a municipality fills its map rather than half of it.
    var map = L.map(element, Object.assign({zoomControl: false, attributionControl: false, zoomSnap: 0.25},
                                           options || {}));
    L.control.zoom({zoomInTitle: config.labels.zoomIn, zoomOutTitle: config.labels.zoomOut}).addTo(map);
    var credits = L.control.attribution({prefix: '<a href="https://leafletjs.com">Leaflet</a>'}).addTo(map);
    if (config.tiles) {
      L.tileLayer(config.tiles.url, {attribution: escapeHtml(config.tiles.attribution), maxZoom: 19}).addTo(map);
    } else {
      element.classList.add("hoest-map-offline");
      credits.addAttribution(escapeHtml(config.labels.outlineCredit));
      if (config.outline) {
        fetch(config.outline, {credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) { if (data) drawOutline(map, data); })
          .catch(function () { /* the markers are still there, on a plain background */ });
      }
    }
    // Leaflet names its popups' close button in English: name it in the page's language.
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", config.labels.closePopup);
    });
    return map;
  }

  function defaultView(map, config) {
    if (config.bounds) map.fitBounds(config.bounds);
    else map.setView(config.center, config.zoom);
  }

  function popupFor(item) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;  // text, never markup
    box.appendChild(link);
    if (item.meta) {
      var meta = document.createElement("p");
      meta.className = "hoest-map-meta";
      meta.textContent = item.meta;
      box.appendChild(meta);
    }
    return box;
  }

  function markersMap(element, config) {
    var items = readJson(element.dataset.mapMarkers) || [];
    element.hidden = false;
    var map = baseMap(element, config);
    var points = items.map(function (item) {
      // Not in the tab order: the list beside the map has every item as a link.
      L.marker([item.lat, item.lng], {icon: pinIcon(), keyboard: false, riseOnHover: true})
        .bindPopup(popupFor(item)).addTo(map);
      return [item.lat, item.lng];
    });
    // The whole municipality when its outline is known (the places among the districts),
    // else just the places; with neither, the municipality's or its country's view.
    var bounds = config.bounds ? L.latLngBounds(config.bounds) : null;
    points.forEach(function (point) { bounds = bounds ? bounds.extend(point) : L.latLngBounds([point, point]); });
    if (bounds) map.fitBounds(bounds, {padding: [16, 16], maxZoom: config.placeZoom});
    else defaultView(map, config);
  }

  function placeMap(element, config) {
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
    if (isNaN(point[0]) || isNaN(point[1])) return;
    element.hidden = false;
    var map = baseMap(element, config, {scrollWheelZoom: false});
    L.marker(point, {icon: pinIcon(), interactive: false, keyboard: false}).addTo(map);
    map.setView(point, config.placeZoom);
  }

  function number(input, limit) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isNaN(value) || Math.abs(value) > limit ? null : value;
  }

  function pinMap(wrapper, config) {
    var latInput = document.getElementById(wrapper.dataset.latInput);
    var lngInput = document.getElementById(wrapper.dataset.lngInput);
    if (!latInput || !lngInput) return;
    // Right below the fields it fills in.
    var group = lngInput.closest(".form-group");
    if (group) group.insertAdjacentElement("afterend", wrapper);
    wrapper.hidden = false;
    var status = wrapper.querySelector("[data-pin-status]");
    var clear = wrapper.querySelector("[data-pin-clear]");
    var map = baseMap(wrapper.querySelector("[data-map-canvas]"), config, {scrollWheelZoom: false});
    var marker = null;

    function typed() {
      var lat = number(latInput, 90), lng = number(lngInput, 180);
      return lat === null || lng === null ? null : L.latLng(lat, lng);
    }
    function show(latlng) {
      if (marker) marker.setLatLng(latlng);
      else {
        marker = L.marker(latlng, {icon: pinIcon(), draggable: true, keyboard: false, autoPan: true}).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      }
      clear.hidden = false;
    }
    function remove() {
      if (marker) map.removeLayer(marker);
      marker = null;
      clear.hidden = true;
    }
    function write(latlng) {
      latlng = latlng.wrap();
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = latlng.lng.toFixed(6);
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", {bubbles: true}));
      });
      status.textContent = config.labels.pinPlaced.replace("%(lat)s", latInput.value).replace("%(lng)s", lngInput.value);
    }

    map.on("click", function (event) {
      show(event.latlng);
      write(event.latlng);
    });
    // Typed coordinates move the pin (keyboard users need not touch the map).
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", function () {
        var latlng = typed();
        if (latlng) {
          show(latlng);
          map.panTo(latlng);
        } else if (!latInput.value && !lngInput.value) {
          remove();
        }
      });
    });
    clear.addEventListener("click", function () {
      latInput.value = lngInput.value = "";
      remove();
      status.textContent = config.labels.pinRemoved;
      latInput.focus();
    });

    var start = typed();
    if (start) {
      show(start);
      map.setView(start, config.placeZoom);
    } else {
      clear.hidden = true;
      defaultView(map, config);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) return;  // Leaflet did not load: the text and the fields are there
    document.querySelectorAll("[data-map]").forEach(function (element) {
      var config = readJson(element.dataset.mapConfig);
      if (!config) return;
      // A hint about using the map is shown with the map.
      var hint = document.getElementById(element.getAttribute("aria-describedby") || "");
      if (hint) hint.hidden = false;
      var kind = element.dataset.map;
      if (kind === "markers") markersMap(element, config);
      else if (kind === "place") placeMap(element, config);
      else if (kind === "pin") pinMap(element, config);
    });
  });
})();
