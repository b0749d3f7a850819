/* Renovation-waste maps (modules 236 and 240): point styling for dash-leaflet GeoJSON layers, referenced from
 * Python as {"variable": "dashExtensions.renovation.NAME"}. Merged into window.dashExtensions so that
 * dashExtensions.default (the choropleth) stays as it is. Markers go to Leaflet's markerPane so that
 * they stay above district polygons whatever order the layers arrive in. */
window.dashExtensions = Object.assign({}, window.dashExtensions, {
    renovation: {
        /* Collection points: a grid cell (properties.count > 1 cells) is a circle sized by its point count;
         * a single point is a small dot coloured by its kind. hideout = {colors: {kind: colour}, max: n} */
        point: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            if (p.cell) {
                const r = 6 + 16 * Math.sqrt((p.count || 1) / Math.max(h.max || 1, 1));
                return L.circleMarker(latlng, {radius: r, color: "#ffffff", weight: 1, fillColor: "#2f9e6e",
                                               fillOpacity: 0.8, pane: "markerPane"});
            }
            const colors = h.colors || {};
            return L.circleMarker(latlng, {radius: 5, color: "#ffffff", weight: 1,
                                           fillColor: colors[p.kind] || "#3b82c4", fillOpacity: 0.9,
                                           pane: "markerPane"});
        },
        /* Facilities: a circle sized by design capacity and coloured by load band.
         * hideout = {colors: [band colours], maxCapacity: t/day} */
        facility: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            const colors = h.colors || ["#3b82c4"];
            const r = 7 + 14 * Math.sqrt((p.capacity || 1) / Math.max(h.maxCapacity || 1, 1));
            return L.circleMarker(latlng, {radius: r, color: "#24313d", weight: 1,
                                           fillColor: colors[p.band] || colors[0], fillOpacity: 0.85,
                                           pane: "markerPane"});
        },
    },
});
