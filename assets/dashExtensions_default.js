/* Functions referenced from Python as {"variable": "dashExtensions.default.NAME"} (dash-leaflet
 * functional properties). Defined once here; interactivity flows through each layer's `hideout`. */
window.dashExtensions = Object.assign({}, window.dashExtensions, {
    default: {
        /* Choropleth (layers/choropleth.py): the boundaries come once by URL; the hideout carries
         * {values: {code: number|null}, tooltips: {code: text}, classes: [lower bounds], colors: [...],
         *  selected: code|null, approximate: bool}. A change of hideout restyles and relabels every feature. */
        choropleth: function (feature, context) {
            const h = (context && context.hideout) || {};
            const code = (feature.properties || {}).code;
            const value = (h.values || {})[code];
            const classes = h.classes || [];
            const colors = h.colors || ["#cfe8dc"];
            let color = colors[0];
            for (let i = 0; i < classes.length; ++i) {
                if (value !== null && value !== undefined && value >= classes[i]) {
                    color = colors[Math.min(i, colors.length - 1)];
                }
            }
            const selected = h.selected && code === h.selected;
            return {
                fillColor: value === null || value === undefined ? "#d0d4d8" : color,
                fillOpacity: selected ? 0.9 : 0.72,
                color: selected ? "#f5c542" : (h.lineColor || "#ffffff"),
                weight: selected ? 3 : 1.2,
                dashArray: h.approximate ? "4 3" : null,
            };
        },
        /* onEachFeature of the choropleth: the tooltip by code from the hideout, else the feature's name. */
        choroplethTooltip: function (feature, layer, context) {
            const h = (context && context.hideout) || {};
            const props = feature.properties || {};
            const text = (h.tooltips || {})[props.code] || props.name;
            if (text) {
                const span = document.createElement("span");  // text, never markup
                span.textContent = String(text);
                layer.bindTooltip(span);
            }
        },
    },
});
