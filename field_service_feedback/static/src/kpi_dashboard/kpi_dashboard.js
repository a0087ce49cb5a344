/** @odoo-module **/
import { Component, onMounted, onPatched, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";

/** One KPI's weekly trend (Chart.js, as core's graph view loads it). */
export class FsKpiTrend extends Component {
    static template = "field_service_feedback.KpiTrend";
    static props = { trend: Object };

    setup() {
        this.canvas = useRef("canvas");
        onWillStart(() => loadBundle("web.chartjs_lib"));
        onMounted(() => this.draw());
        onPatched(() => this.draw());
        onWillUnmount(() => this.chart?.destroy());
    }

    draw() {
        this.chart?.destroy();
        const { weeks, values, unit } = this.props.trend;
        this.chart = new window.Chart(this.canvas.el, {
            type: "line",
            data: {
                labels: weeks,
                datasets: [
                    {
                        data: values,
                        borderColor: "#017e84",
                        backgroundColor: "rgba(1, 126, 132, 0.15)",
                        fill: true,
                        spanGaps: true,
                        tension: 0,
                    },
                ],
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                plugins: {
                    legend: { display: false },
                    tooltip: { callbacks: { label: (item) => `${item.formattedValue} ${unit}` } },
                },
                scales: { y: { beginAtZero: unit !== "score" } },
            },
        });
    }
}

/** The manager's dashboard: a period preset, KPI cards that open their visits, weekly trends. */
export class FsKpiDashboard extends Component {
    static template = "field_service_feedback.KpiDashboard";
    static components = { Layout, FsKpiTrend };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.keepLast = new KeepLast();
        this.presets = [
            ["this_week", _t("This week")],
            ["last_week", _t("Last week")],
            ["last_4_weeks", _t("Last 4 full weeks")],
            ["this_month", _t("This month")],
            ["this_quarter", _t("This quarter")],
            ["custom", _t("Custom")],
        ];
        this.filterLabels = {
            project_id: _t("All teams"),
            technician_id: _t("All technicians"),
            job_type_id: _t("All job types"),
        };
        this.state = useState({
            preset: "last_4_weeks",
            date_from: "",
            date_to: "",
            project_id: 0,
            technician_id: 0,
            job_type_id: 0,
            data: null,
            coaching: [],
        });
        onWillStart(() => this.load());
    }

    get display() {
        return { controlPanel: {} };
    }

    get params() {
        const { preset, date_from, date_to, project_id, technician_id, job_type_id } = this.state;
        return { preset, date_from, date_to, project_id, technician_id, job_type_id };
    }

    async load() {
        const [data, coaching] = await this.keepLast.add(
            Promise.all([
                this.orm.call("fs.kpi.dashboard", "fs_dashboard_data", [this.params]),
                this.orm.call("fs.kpi.dashboard", "fs_coaching", [this.params]),
            ])
        );
        this.state.data = data;
        this.state.coaching = coaching;
        if (this.state.preset !== "custom") {
            this.state.date_from = data.date_from;
            this.state.date_to = data.date_to;
        }
    }

    selectPreset(preset) {
        this.state.preset = preset;
        if (preset !== "custom") {
            this.load();
        }
    }

    onFilter(name, ev) {
        this.state[name] = parseInt(ev.target.value) || 0;
        this.load();
    }

    onDate(name, ev) {
        this.state[name] = ev.target.value;
    }

    trendText(card) {
        return (
            {
                better: _t("▲ better than before"),
                worse: _t("▼ worse than before"),
                flat: _t("= same as before"),
            }[card.trend] || _t("before")
        );
    }

    async openVisits(card) {
        const action = await this.orm.call("fs.kpi.dashboard", "fs_open_visits", [
            this.params,
            card.key,
        ]);
        this.action.doAction(action);
    }

    async openAnalysis() {
        this.action.doAction(
            await this.orm.call("fs.kpi.dashboard", "fs_open_analysis", [this.params])
        );
    }

    async openJobType(row) {
        this.action.doAction(
            await this.orm.call("fs.kpi.dashboard", "fs_open_job_type", [row.job_type_id])
        );
    }

    async openFridayReviews() {
        this.action.doAction(
            await this.orm.call("fs.kpi.dashboard", "fs_friday_reviews", [this.params])
        );
    }

    async openDaySheet() {
        this.action.doAction(await this.orm.call("fs.kpi.dashboard", "fs_day_sheet", [this.params]));
    }

    async exportWorkbook() {
        this.action.doAction(
            await this.orm.call("fs.kpi.dashboard", "fs_export_xlsx", [this.params])
        );
    }
}

registry.category("actions").add("fs_kpi_dashboard", FsKpiDashboard);
