/* Carbon sink board (modules 217-222): map functions referenced from Python as
 * {"variable": "dashExtensions.carbon.NAME"}. Merged into window.dashExtensions without touching `default`. */
window.dashExtensions = Object.assign({}, window.dashExtensions, {
    carbon: {
        /* Tree clusters aggregated on the server: one circle per cell, area proportional to the trees in it.
         * hideout = {maxTrees: number, color: css colour} */
        clusterPoint: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const n = (feature.properties && feature.properties.trees) || 0;
            const max = Math.max(h.maxTrees || 1, 1);
            const radius = 4 + 20 * Math.sqrt(n / max);
            return L.circleMarker(latlng, {
                radius: radius, color: "#0f5c3d", weight: 1, fillColor: h.color || "#2f9e6e", fillOpacity: 0.55,
            });
        },
    },
});
