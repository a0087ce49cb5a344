/** @odoo-module */

import { registry } from "@web/core/registry";

// A customer, on a phone, opens the visit page from a token link (no login), sees the window
// and the technician, moves the visit to another free window, then cancels it with a reason.
registry.category("web_tour.tours").add("fs_visit_page_phone", {
    steps: () => [
        {
            trigger: ".o_fs_window:not(:empty)",
        },
        {
            trigger: ".o_fs_technician_name:contains(Anna)",
        },
        {
            trigger: ".o_fs_timeline .o_fs_step_current",
        },
        {
            trigger: "a.o_fs_reschedule",
            run: "click",
        },
        {
            trigger: ".o_fs_reschedule_form label.o_fs_slot:eq(0)",
            run: "click",
        },
        {
            trigger: ".o_fs_reschedule_form input[name=slot]:checked",
        },
        {
            trigger: "button.o_fs_reschedule_confirm",
            run: "click",
        },
        {
            trigger: ".alert-success:contains(your visit is now)",
        },
        {
            trigger: "details.o_fs_cancel > summary",
            run: "click",
        },
        {
            trigger: "details.o_fs_cancel[open] textarea[name=reason]",
            run: "edit Moving house",
        },
        {
            trigger: "button.o_fs_cancel_confirm",
            run: "click",
        },
        {
            trigger: ".alert-success:contains(Your visit is cancelled)",
        },
        {
            trigger: ".o_fs_state_label:contains(Cancelled)",
        },
    ],
});

// A customer, on a phone, opens a done visit's page from a token link (no login), sees the
// technician's photo, the company's colours and the service report with its download link,
// rates 5 stars and 9/10 with a comment, then sees the thank-you and the invitation to review
// the company publicly.
registry.category("web_tour.tours").add("fs_visit_rate_phone", {
    steps: () => [
        {
            // The technician's real photo (not a letter), loaded through the visit's link.
            trigger: ".o_fs_technician img.o_fs_technician_photo",
            async run() {
                const img = document.querySelector(".o_fs_technician img.o_fs_technician_photo");
                img.loading = "eager";
                img.scrollIntoView();
                for (let i = 0; i < 50 && !(img.complete && img.naturalWidth); i++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                if (!img.naturalWidth) {
                    throw new Error("The technician's photo did not load");
                }
                if (document.querySelector(".o_fs_technician .o_fs_technician_initial")) {
                    throw new Error("A letter is shown although there is a photo");
                }
            },
        },
        {
            trigger: ".o_fs_report_card a.o_fs_report_download[href*='/report.pdf']",
        },
        {
            // The company's colour on the page's main button, with white text (contrast).
            trigger: "button.o_fs_rating_send",
            run() {
                const style = getComputedStyle(document.querySelector("button.o_fs_rating_send"));
                if (style.backgroundColor !== "rgb(22, 58, 102)") {
                    throw new Error(`Not the company's colour: ${style.backgroundColor}`);
                }
                if (style.color !== "rgb(255, 255, 255)") {
                    throw new Error(`Text not readable on it: ${style.color}`);
                }
            },
        },
        {
            trigger: ".o_fs_report_card .o_fs_report_work:contains(Cleaned the burner)",
        },
        {
            trigger: ".o_fs_report_card .o_fs_report_part:contains(Valve)",
        },
        {
            trigger: ".o_fs_report_card .o_fs_report_signature img",
        },
        {
            trigger: ".o_fs_rating_form label[for=fs_stars_5]",
            run: "click",
        },
        {
            trigger: ".o_fs_rating_form label[for=fs_nps_9]",
            run: "click",
        },
        {
            trigger: ".o_fs_rating_form textarea[name=comment]",
            run: "edit Quick, clean and friendly",
        },
        {
            trigger: ".o_fs_rating_form input[name=stars]:checked[value='5']",
        },
        {
            trigger: "button.o_fs_rating_send",
            run: "click",
        },
        {
            trigger: ".o_fs_thanks:contains(Thank you for your feedback)",
        },
        {
            trigger: ".o_fs_review:contains(Would you share your experience publicly?) a.o_fs_review_link",
        },
    ],
});

// An impatient customer clicks "Confirm the new time" twice: the move is sent once, so the
// second click does not reach the server with the link the first one just replaced.
registry.category("web_tour.tours").add("fs_visit_reschedule_double_click", {
    steps: () => [
        {
            trigger: ".o_fs_reschedule_form label.o_fs_slot:eq(0)",
            run: "click",
        },
        {
            trigger: ".o_fs_reschedule_form input[name=slot]:checked",
        },
        {
            trigger: "button.o_fs_reschedule_confirm",
            async run() {
                const button = document.querySelector("button.o_fs_reschedule_confirm");
                button.click();
                await new Promise((resolve) => setTimeout(resolve, 150));
                button.click();
            },
        },
        {
            trigger: ".alert-success:contains(your visit is now)",
        },
    ],
});
