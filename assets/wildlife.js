/* Map functions of the wildlife board, referenced as {"variable": "dashExtensions.wildlife.NAME"}.
 * Added beside (never replacing) dashExtensions.default. */
window.dashExtensions = Object.assign({}, window.dashExtensions, {
    wildlife: {
        /* Aggregated occurrence cells: hideout = {max: largest value, color: "#rrggbb"}; radius ∝ √value. */
        cellPoint: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const v = (feature.properties && feature.properties.value) || 0;
            const r = 3 + 13 * Math.sqrt(v / (h.max || 1));
            const marker = L.circleMarker(latlng, {radius: r, color: h.color || "#d9534f", weight: 1,
                                                   fillColor: h.color || "#d9534f", fillOpacity: 0.55});
            if (feature.properties && feature.properties.tooltip) {
                marker.bindTooltip(feature.properties.tooltip);
            }
            return marker;
        },
    },
});
