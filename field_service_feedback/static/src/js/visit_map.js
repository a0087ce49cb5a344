/** @odoo-module */
/* global L */

import { loadBundle } from "@web/core/assets";
import publicWidget from "@web/legacy/js/public/public_widget";

// Leaflet, loaded only where a map is drawn (see the manifest).
const LIBRARY_BUNDLE = "field_service_feedback.assets_visit_map";

const MAX_ZOOM = 16;
// About the coarse grid's half diagonal: the area the van is somewhere in.
const COARSE_RADIUS_M = 350;

/**
 * The customer's live map (Leaflet, web_leaflet_lib): the van and the customer's address while
 * the technician is on the way. The server decides what may be drawn (the van rounded to a
 * 500 m grid until the last leg, none when its position is stale) in the page's data-map and
 * in each answer of the live poll (visit_live.js sends them as "fs-visit-live" events). Where
 * the tile server cannot be reached the markers still draw on a plain background. Leaflet
 * itself is loaded on demand, only on such a page.
 */
publicWidget.registry.FsVisitMap = publicWidget.Widget.extend({
    selector: ".o_fs_visit_map_card",

    async start() {
        await this._super(...arguments);
        await loadBundle(LIBRARY_BUNDLE);
        if (this.isDestroyed()) {
            return;
        }
        this.onLive = (event) => this._update(event.detail.map);
        document.addEventListener("fs-visit-live", this.onLive);
        let data = null;
        try {
            data = JSON.parse(this.el.dataset.map || "null");
        } catch {
            data = null;
        }
        this._update(data);
    },

    destroy() {
        document.removeEventListener("fs-visit-live", this.onLive);
        this.resizeObserver?.disconnect();
        this.map?.remove();
        this._super(...arguments);
    },

    _label(name) {
        return this.el.querySelector(`.o_fs_map_${name}_label`)?.textContent.trim() || "";
    },

    _createMap() {
        const canvas = this.el.querySelector(".o_fs_visit_map");
        this.map = L.map(canvas, {
            zoomControl: true,
            attributionControl: true,
            scrollWheelZoom: false, // the page scrolls, not the map
        });
        if (this.el.dataset.tileUrl) {
            L.tileLayer(this.el.dataset.tileUrl, {
                attribution: this.el.dataset.tileAttribution || "",
                maxZoom: 19,
            }).addTo(this.map);
        }
        this.layers = L.featureGroup().addTo(this.map);
        this.resizeObserver = new ResizeObserver(() => {
            this.map.invalidateSize();
            this._fit();
        });
        this.resizeObserver.observe(canvas);
    },

    _icon(className, iconClass) {
        const html = document.createElement("span");
        html.className = "o_fs_map_pin";
        const icon = document.createElement("i");
        icon.className = `fa ${iconClass}`;
        icon.setAttribute("aria-hidden", "true");
        html.appendChild(icon);
        return L.divIcon({ className, html, iconSize: [32, 32], iconAnchor: [16, 16] });
    },

    _update(data) {
        this.el.classList.toggle("d-none", !data);
        this._setText(".o_fs_map_eta", data?.arrival_text);
        this._setText(".o_fs_map_note", data?.note);
        if (!data) {
            this.layers?.clearLayers();
            this.points = [];
            return;
        }
        if (!this.map) {
            this._createMap();
        }
        this.layers.clearLayers();
        // What the view fits: the points themselves (a circle has no bounds before the map
        // has a view).
        this.points = [data.home, data.van].filter(Boolean);
        if (data.home) {
            L.marker(data.home, {
                icon: this._icon("o_fs_map_home", "fa-home"),
                title: this._label("home"),
                keyboard: false,
            }).addTo(this.layers);
        }
        if (data.van) {
            if (!data.exact) {
                L.circle(data.van, {
                    radius: COARSE_RADIUS_M,
                    className: "o_fs_map_van_area",
                    weight: 1,
                    fillOpacity: 0.15,
                }).addTo(this.layers);
            }
            L.marker(data.van, {
                icon: this._icon(
                    `o_fs_map_van ${data.exact ? "o_fs_map_van_exact" : "o_fs_map_van_coarse"}`,
                    "fa-truck"
                ),
                title: this._label("van"),
                keyboard: false,
                zIndexOffset: 1000,
            }).addTo(this.layers);
        }
        this._fit();
    },

    _fit() {
        if (!this.map || !this.points?.length) {
            return;
        }
        this.map.fitBounds(L.latLngBounds(this.points), { padding: [36, 36], maxZoom: MAX_ZOOM });
    },

    _setText(selector, text) {
        const node = this.el.querySelector(selector);
        if (node) {
            node.textContent = text || "";
            node.classList.toggle("d-none", !text);
        }
    },
});

export default publicWidget.registry.FsVisitMap;
