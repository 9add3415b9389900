// Maps, drawn by Leaflet (static/leaflet/, from npm). Progressive enhancement: every map
// container starts hidden and every page says the same as text (a list of the places, the
// coordinates, the latitude and longitude fields), so without this file nothing is missing.
//
// Three kinds, by data-map:
//   "markers": the places of a list (ideas, a budget's projects), from a json_script;
//   "place":   one item's place (data-lat, data-lng);
//   "pin":     a form's latitude and longitude fields, set by a click, a tap, a drag or
//              a place chosen in the address search above the map (a WAI-ARIA combobox).
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
    // A highest zoom of its own (the outline has no tiles to give one), which the grouping
    // of pins needs: past it, pins in one spot are spread out instead.
    var map = L.map(element, Object.assign({zoomControl: false, attributionControl: false, zoomSnap: 0.25,
                                            maxZoom: config.tiles ? 19 : 17}, options || {}));
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

  // A group of nearby pins drawn as one circle with their number (Leaflet.markercluster).
  // The circle is a button in the tab order, named for screen readers; Enter on it zooms in
  // (markercluster then gives the focus back to the map).
  function pinLayer(config) {
    if (!L.markerClusterGroup) return L.layerGroup();  // the script did not load: every pin on its own
    var ClusterIcon = L.DivIcon.extend({
      createIcon: function (old) {
        var div = L.DivIcon.prototype.createIcon.call(this, old);
        div.setAttribute("aria-label", this.options.label);
        return div;
      }
    });
    return L.markerClusterGroup({
      showCoverageOnHover: false,  // a polygon on hover says nothing the number does not
      maxClusterRadius: 40,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        return new ClusterIcon({
          html: "<span>" + count + "</span>", className: "hoest-map-cluster", iconSize: L.point(40, 40),
          label: config.labels.cluster.replace("%(count)s", count)
        });
      }
    });
  }

  function markersMap(element, config) {
    var items = readJson(element.dataset.mapMarkers) || [];
    element.hidden = false;
    var map = baseMap(element, config);
    var layer = pinLayer(config);
    var points = items.map(function (item) {
      // Not in the tab order: the list beside the map has every item as a link.
      layer.addLayer(L.marker([item.lat, item.lng], {icon: pinIcon(), keyboard: false, riseOnHover: true})
        .bindPopup(popupFor(item)));
      return [item.lat, item.lng];
    });
    map.addLayer(layer);
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
    // Right below the fields it fills in; the address search, the quickest way for most,
    // right above them.
    var group = lngInput.closest(".form-group");
    if (group) group.insertAdjacentElement("afterend", wrapper);
    var search = wrapper.querySelector("[data-place-search]");
    var latGroup = latInput.closest(".form-group");
    if (search && latGroup) latGroup.insertAdjacentElement("beforebegin", search);
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
    function write(latlng, place) {
      latlng = latlng.wrap();
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = latlng.lng.toFixed(6);
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", {bubbles: true}));
      });
      var text = place ? config.labels.pinPlacedAt.replace("%(place)s", place) : config.labels.pinPlaced;
      status.textContent = text.replace("%(lat)s", latInput.value).replace("%(lng)s", lngInput.value);
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

    if (search) {
      placeSearch(search, config, function (place) {
        var latlng = L.latLng(place.lat, place.lng);
        show(latlng);
        write(latlng, place.label);
        map.setView(latlng, Math.max(map.getZoom(), config.placeZoom));
      });
    }

    var start = typed();
    if (start) {
      show(start);
      map.setView(start, config.placeZoom);
    } else {
      clear.hidden = true;
      defaultView(map, config);
    }
  }

  // The address search above a pin map: the WAI-ARIA 1.2 combobox pattern with a listbox
  // popup ("list" autocomplete). Typing asks Høst (maps.views.place_search) after a pause;
  // the number of places found is announced; Down and Up move through them (the focus stays
  // in the field, aria-activedescendant names the option), Enter or a click chooses one,
  // Escape closes the list (or, closed, empties the field). Enter never submits the form.
  function placeSearch(box, config, choose) {
    var input = box.querySelector("[role=combobox]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[data-place-search-status]");
    var url = box.dataset.placeSearch;
    var places = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var asked = "";

    function options() { return list.querySelectorAll("[role=option]"); }
    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) activate(-1);
    }
    function activate(index) {
      active = index;
      options().forEach(function (option, n) {
        option.setAttribute("aria-selected", n === index ? "true" : "false");
        if (n === index) option.scrollIntoView({block: "nearest"});
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + index);
      else input.removeAttribute("aria-activedescendant");
    }
    function render(found) {
      places = found;
      list.textContent = "";
      found.forEach(function (place, n) {
        var option = document.createElement("li");
        option.id = list.id + "-" + n;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.label;  // text, never markup
        list.appendChild(option);
      });
      open(found.length > 0);
      var label = found.length === 0 ? config.labels.searchNone
        : (found.length === 1 ? config.labels.searchOne : config.labels.searchOther);
      status.textContent = label.replace("%(count)s", found.length);
    }
    function pick(index) {
      var place = places[index];
      if (!place) return;
      input.value = asked = place.label;
      open(false);
      status.textContent = "";
      choose(place);
    }
    function ask() {
      var query = input.value.trim();
      if (query === asked) return;
      asked = query;
      if (pending) pending.abort();
      if (query.length < 2) {
        places = [];
        list.textContent = "";
        open(false);
        status.textContent = "";
        return;
      }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin", signal: pending.signal,
                                                       headers: {"Accept": "application/json"}})
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!response.ok) throw new Error(body.detail || config.labels.searchFailed);
            return body;
          });
        })
        .then(function (body) { render(body.results || []); })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          places = [];
          list.textContent = "";
          open(false);
          asked = "";  // the same words may be tried again
          status.textContent = error.message || config.labels.searchFailed;
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    input.addEventListener("keydown", function (event) {
      var count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (list.hidden) {
          open(true);
          if (event.altKey) return;  // Alt+Down opens the list without choosing
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        activate(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
      } else if (event.key === "Enter") {
        event.preventDefault();  // the form is sent with its own button, never from here
        clearTimeout(timer);
        if (!list.hidden && active >= 0) pick(active);
        else ask();
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          open(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = asked = "";
          status.textContent = "";
        }
      }
    });
    input.addEventListener("blur", function () { open(false); });
    // The focus stays in the field while the pointer chooses (no blur before the click).
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) pick(Array.prototype.indexOf.call(options(), option));
    });
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
