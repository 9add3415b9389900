"""Maps: what a page's map needs (tile source or the shipped outline, centre, texts), the
markers' one format, and the Content-Security-Policy for a municipality's tile server.
The maps themselves are drawn by Leaflet (npm) in static/js/maps.js, as an enhancement:
every page with a map shows the same places as text without JavaScript."""
