/* Functions referenced from Python as {"variable": "dashExtensions.default.NAME"} (dash-leaflet
 * functional properties). Defined once here; interactivity flows through each layer's `hideout`. */
window.dashExtensions = Object.assign({}, window.dashExtensions, {
    default: {
        /* Choropleth: hideout = {classes: [thresholds], colors: [...], prop: "value",
         *                        selected: code | null, approximate: bool} */
        choropleth: function (feature, context) {
            const h = (context && context.hideout) || {};
            const props = feature.properties || {};
            const value = props[h.prop || "value"];
            const classes = h.classes || [];
            const colors = h.colors || ["#cfe8dc"];
            let color = colors[0];
            for (let i = 0; i < classes.length; ++i) {
                if (value !== null && value !== undefined && value >= classes[i]) {
                    color = colors[Math.min(i, colors.length - 1)];
                }
            }
            const selected = h.selected && props.code === h.selected;
            return {
                fillColor: value === null || value === undefined ? "#d0d4d8" : color,
                fillOpacity: selected ? 0.9 : 0.72,
                color: selected ? "#f5c542" : (h.lineColor || "#ffffff"),
                weight: selected ? 3 : 1.2,
                dashArray: h.approximate ? "4 3" : null,
            };
        },
    },
});
