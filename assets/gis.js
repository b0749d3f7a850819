/* GIS map service (modules 31-33): styling for catalog layers, referenced from Python as
 * {"variable": "dashExtensions.gis.NAME"}. Each layer's hideout = {color, opacity, approximate}. Merged into
 * window.dashExtensions so that the other namespaces stay as they are. */
/* After a layer's features are added and painted, fire ``gis:drawn`` on document with
 * {layer, features, at: performance.now()} and keep it in window.lvrongGis.last[layer]: the style functions
 * count a batch (dash-leaflet adds a response's features in one task), a timeout after the batch waits for the
 * next frame to be painted. bench/gis_browser.py times map views with it. */
function gisCountDrawn(h) {
    const g = window.lvrongGis = window.lvrongGis || {pending: {}, last: {}};
    const id = (h && h.layer) || "";
    g.pending[id] = (g.pending[id] || 0) + 1;
    if (g.pending[id] > 1) { return; }
    setTimeout(function () {
        const features = g.pending[id];
        g.pending[id] = 0;
        requestAnimationFrame(function () {
            setTimeout(function () {
                const detail = {layer: id, features: features, at: performance.now()};
                g.last[id] = detail;
                document.dispatchEvent(new CustomEvent("gis:drawn", {detail: detail}));
            }, 0);
        });
    }, 0);
}

window.dashExtensions = Object.assign({}, window.dashExtensions, {
    gis: {
        /* Points: a grid cell with several features is a labelled bubble sized by log(count); a single
         * feature is a dot in the layer's colour. */
        point: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            gisCountDrawn(h);
            const opacity = h.opacity === undefined ? 1 : h.opacity;
            if (p.cluster && p.count > 1) {
                const size = Math.round(22 + 8 * Math.log10(p.count));
                const label = p.count >= 10000 ? (p.count / 10000).toFixed(1) + "万" : String(p.count);
                return L.marker(latlng, {
                    opacity: opacity,
                    icon: L.divIcon({
                        className: "gis-cluster",
                        iconSize: [size, size],
                        html: '<div style="background:' + (h.color || "#2e7d5b") + ';width:' + size + 'px;height:' +
                            size + 'px;line-height:' + size + 'px">' + label + "</div>",
                    }),
                });
            }
            return L.circleMarker(latlng, {radius: 6, color: "#ffffff", weight: 1, fillColor: h.color || "#2e7d5b",
                                           fillOpacity: 0.9 * opacity, opacity: opacity});
        },
        /* Polygons: outline in the layer colour, light fill; approximate boundaries dashed. */
        polygon: function (feature, context) {
            const h = (context && context.hideout) || {};
            const opacity = h.opacity === undefined ? 1 : h.opacity;
            gisCountDrawn(h);
            return {color: h.color || "#2e7d5b", weight: 1.6, opacity: opacity, fillColor: h.color || "#2e7d5b",
                    fillOpacity: 0.18 * opacity, dashArray: h.approximate ? "4 3" : null};
        },
    },
});

/* Export a map container as PNG with the locally served html-to-image (loaded on first use); the zoom and
 * drawing controls are left out of the picture. */
window.lvrongExportPng = function (containerId, fileName) {
    const node = document.getElementById(containerId);
    if (!node) { return Promise.resolve(null); }
    const load = window.lvrongLoadScript("/map-data/static/vendor/html-to-image/html-to-image.js");
    return load.then(function () {
        return window.htmlToImage.toPng(node, {
            backgroundColor: "#eef3f0",
            filter: function (el) { return !(el.classList && el.classList.contains("leaflet-control-container")); },
        });
    }).then(function (dataUrl) {
        const a = document.createElement("a");
        a.href = dataUrl;
        a.download = fileName || "map.png";
        a.dataset.exported = String(dataUrl.length);
        document.body.appendChild(a);
        a.click();
        window.lvrongLastExport = dataUrl;
        a.remove();
        return dataUrl;
    });
};
