/** @odoo-module **/
/* global L */
import { Component, onMounted, onPatched, onWillUnmount, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

const FALLBACK_CENTER = [46.6, 2.4];
const FALLBACK_ZOOM = 5;

/**
 * Technicians' routes on a Leaflet map (web_leaflet_lib): numbered stops in each technician's
 * colour, one line per technician from their start through the stops, a legend with the
 * technicians' names, popups with customer, window and ETA and a link to the visit.
 *
 * Reusable: it takes plain data (the shape of fs.route.map's payload) and draws it. Where the
 * tile server cannot be reached (offline, tests) the markers and lines still draw on a blank
 * background and a short notice says so.
 *
 * Props: routes [{technician_id, name, color, start: {lat, lng, label}|null,
 *                 stops: [{visit_id, sequence, name, lat, lng, customer, window, eta}]}],
 *        unassigned (stops without a technician: drawn grey, unnumbered, no line),
 *        vehicles [{lat, lng, label, color, source, tip, popup: [[label, value]], visit_id,
 *                   to: {lat, lng}}] (positions, e.g. vans on the way: ``tip`` always shown,
 *                   ``popup`` lines on a click, a dashed line to ``to``),
 *        depots [{lat, lng, label}], tiles {url, attribution},
 *        onOpenVisit(visitId) (the popup's link; no link without it), legend (default true).
 */
export class FsRouteMap extends Component {
    static template = "field_service_routing.FsRouteMap";
    static props = {
        routes: { type: Array },
        unassigned: { type: Array, optional: true },
        vehicles: { type: Array, optional: true },
        depots: { type: Array, optional: true },
        tiles: { type: Object, optional: true },
        onOpenVisit: { type: Function, optional: true },
        legend: { type: Boolean, optional: true },
        class: { type: String, optional: true },
    };
    static defaultProps = { unassigned: [], vehicles: [], depots: [], legend: true, class: "" };

    setup() {
        this.mapRef = useRef("map");
        this.state = useState({ tilesFailed: false });
        onMounted(() => {
            this.createMap();
            this.draw();
        });
        onPatched(() => this.draw());
        onWillUnmount(() => {
            this.resizeObserver?.disconnect();
            this.map?.remove();
        });
    }

    get stopCount() {
        return (
            this.props.routes.reduce((count, route) => count + route.stops.length, 0) +
            this.props.unassigned.length
        );
    }

    createMap() {
        this.map = L.map(this.mapRef.el, {
            zoomControl: true,
            attributionControl: true,
            zoomSnap: 0.25, // fit the day's routes closely, not to the next power of two
        });
        const tiles = this.props.tiles || {};
        if (tiles.url) {
            const layer = L.tileLayer(tiles.url, {
                attribution: tiles.attribution || "",
                maxZoom: 19,
            });
            layer.on("tileerror", () => {
                this.state.tilesFailed = true;
            });
            layer.addTo(this.map);
        }
        this.layers = L.featureGroup().addTo(this.map);
        // A map drawn in a hidden or resized container (a notebook tab) must re-measure itself,
        // and fit its routes again until the user moved it.
        this.userMoved = false;
        this.map.on("dragstart", () => (this.userMoved = true));
        this.mapRef.el.addEventListener("wheel", () => (this.userMoved = true), { passive: true });
        this.resizeObserver = new ResizeObserver(() => {
            this.map.invalidateSize();
            if (!this.userMoved) {
                this.fit(this.layers);
            }
        });
        this.resizeObserver.observe(this.mapRef.el);
    }

    draw() {
        if (!this.map) {
            return;
        }
        this.layers.clearLayers();
        this.routeLayers = {};
        for (const route of this.props.routes) {
            const group = L.featureGroup().addTo(this.layers);
            this.routeLayers[route.technician_id] = group;
            const path = [];
            if (route.start) {
                path.push([route.start.lat, route.start.lng]);
                L.marker([route.start.lat, route.start.lng], {
                    icon: this.icon("o_fs_map_start", route.color, ""),
                    title: _t("%(technician)s: start (%(place)s)", {
                        technician: route.name,
                        place: route.start.label,
                    }),
                    keyboard: false,
                }).addTo(group);
            }
            for (const stop of route.stops) {
                path.push([stop.lat, stop.lng]);
                this.stopMarker(stop, route).addTo(group);
            }
            if (path.length > 1) {
                L.polyline(path, {
                    color: route.color,
                    weight: 4,
                    opacity: 0.8,
                    className: "o_fs_map_route",
                })
                    .bindTooltip(route.name, { sticky: true })
                    .addTo(group);
            }
        }
        for (const stop of this.props.unassigned) {
            this.stopMarker(stop, null).addTo(this.layers);
        }
        for (const depot of this.props.depots) {
            L.marker([depot.lat, depot.lng], {
                icon: this.icon("o_fs_map_depot", "#334155", ""),
                title: depot.label,
            }).addTo(this.layers);
        }
        for (const vehicle of this.props.vehicles) {
            const source = vehicle.source ? ` o_fs_map_vehicle_${vehicle.source}` : "";
            const marker = L.marker([vehicle.lat, vehicle.lng], {
                icon: this.icon(`o_fs_map_vehicle${source}`, vehicle.color || "#334155", ""),
                title: vehicle.label,
                zIndexOffset: 1000,
            }).addTo(this.layers);
            if (vehicle.tip) {
                // Always shown: the dispatcher reads who is where and when they arrive at a glance.
                marker.bindTooltip(vehicle.tip, {
                    permanent: true,
                    direction: "right",
                    offset: [14, 0],
                    className: "o_fs_map_vehicle_tip",
                });
            }
            if (vehicle.popup) {
                marker.bindPopup(() => this.linesPopup(vehicle.popup, vehicle.visit_id), { minWidth: 200 });
            }
            if (vehicle.to) {
                L.polyline(
                    [
                        [vehicle.lat, vehicle.lng],
                        [vehicle.to.lat, vehicle.to.lng],
                    ],
                    {
                        color: vehicle.color || "#334155",
                        weight: 3,
                        dashArray: "6 6",
                        className: "o_fs_map_vehicle_leg",
                    }
                ).addTo(this.layers);
            }
        }
        if (!this.userMoved) {
            this.fit(this.layers);
        }
    }

    fit(layer) {
        const bounds = layer.getBounds();
        if (bounds.isValid()) {
            this.map.fitBounds(bounds, { padding: [32, 32], maxZoom: 15 });
        } else {
            this.map.setView(FALLBACK_CENTER, FALLBACK_ZOOM);
        }
    }

    focusRoute(route) {
        const group = this.routeLayers?.[route.technician_id];
        if (group) {
            this.userMoved = true;
            this.fit(group);
        }
    }

    icon(className, color, text) {
        const html = document.createElement("span");
        html.className = "o_fs_map_pin";
        html.style.setProperty("--fs-map-color", color);
        html.textContent = text;
        return L.divIcon({
            className,
            html,
            iconSize: [26, 26],
            iconAnchor: [13, 13],
            popupAnchor: [0, -14],
        });
    }

    stopMarker(stop, route) {
        const unassigned = !route;
        const marker = L.marker([stop.lat, stop.lng], {
            icon: this.icon(
                unassigned ? "o_fs_map_stop o_fs_map_stop_unassigned" : "o_fs_map_stop",
                unassigned ? "#6b7280" : route.color,
                unassigned ? "" : String(stop.sequence)
            ),
            title: stop.customer || stop.name,
            riseOnHover: true,
        });
        marker.bindPopup(() => this.popup(stop, route), { minWidth: 200 });
        return marker;
    }

    /** A popup of [label, value] lines (text only), with the visit's link when it has one. */
    linesPopup(lines, visitId) {
        const root = document.createElement("div");
        root.className = "o_fs_map_popup o_fs_map_vehicle_popup";
        lines.forEach(([label, value], index) => {
            const div = document.createElement("div");
            div.className = index ? "" : "fw-bold";
            if (label) {
                const strong = document.createElement("span");
                strong.className = "text-muted me-1";
                strong.textContent = label;
                div.append(strong);
            }
            div.append(document.createTextNode(value));
            root.append(div);
        });
        if (visitId && this.props.onOpenVisit) {
            const link = document.createElement("a");
            link.href = "#";
            link.className = "o_fs_map_open_visit d-inline-block mt-1";
            link.textContent = _t("Open the visit");
            link.addEventListener("click", (ev) => {
                ev.preventDefault();
                this.props.onOpenVisit(visitId);
            });
            root.append(link);
        }
        return root;
    }

    /** The popup as DOM nodes (text only: names come from users). */
    popup(stop, route) {
        const root = document.createElement("div");
        root.className = "o_fs_map_popup";
        root.dataset.visitId = stop.visit_id;
        const line = (className, label, value) => {
            const div = document.createElement("div");
            div.className = className;
            if (label) {
                const strong = document.createElement("span");
                strong.className = "text-muted me-1";
                strong.textContent = label;
                div.append(strong);
            }
            div.append(document.createTextNode(value));
            root.append(div);
        };
        line("o_fs_map_popup_customer fw-bold", "", stop.customer || _t("No customer"));
        line("o_fs_map_popup_name", "", stop.name);
        if (stop.window) {
            line("o_fs_map_popup_window", _t("Window"), stop.window);
        }
        if (stop.eta) {
            line("o_fs_map_popup_eta", _t("ETA"), stop.eta);
        }
        line(
            "o_fs_map_popup_technician",
            _t("Technician"),
            route
                ? _t("%(technician)s, stop %(number)s", {
                      technician: route.name,
                      number: stop.sequence,
                  })
                : _t("not assigned yet")
        );
        if (this.props.onOpenVisit) {
            const link = document.createElement("a");
            link.href = "#";
            link.className = "o_fs_map_open_visit d-inline-block mt-1";
            link.textContent = _t("Open the visit");
            link.addEventListener("click", (ev) => {
                ev.preventDefault();
                this.props.onOpenVisit(stop.visit_id);
            });
            root.append(link);
        }
        return root;
    }
}
