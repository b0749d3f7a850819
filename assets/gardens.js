/* Map functions of the botanical-garden and green-space boards, referenced from Python as
 * {"variable": "dashExtensions.gardens.NAME"}; added beside dashExtensions.default, never replacing it. */
window.dashExtensions = Object.assign({}, window.dashExtensions, {
    gardens: {
        /* Aggregated plant cells: a circle whose radius grows with the square root of its accessions.
         * hideout = {max: largest count, color: fill colour} */
        cell: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const n = (feature.properties || {}).accessions || 0;
            const r = 4 + 14 * Math.sqrt(n / Math.max(1, h.max || 1));
            return L.circleMarker(latlng, {radius: r, color: "#ffffff", weight: 1,
                                           fillColor: h.color || "#2f9e6e", fillOpacity: 0.75});
        },
        /* Outlines filled by their own `color` property (areas by kind, projects by status);
         * hideout = {selected: code | null, opacity: fill opacity} */
        outline: function (feature, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            const selected = h.selected !== null && h.selected !== undefined && String(p.code) === String(h.selected);
            return {fillColor: p.color || "#a8dcc0", fillOpacity: selected ? 0.85 : (h.opacity || 0.45),
                    color: selected ? "#f5c542" : (p.line || "#23845a"), weight: selected ? 3 : 1.2};
        },
    },
});
