import { registry } from "@web/core/registry";
import { unloadsPage } from "@payment_request/../tests/tours/compat";

/**
 * Create Invoice from the requests' list, then reload the page: the address
 * must name the invoice, never the wizard's id as a request's id (issue 28,
 * 2.2: /odoo/action-<requests>/<wizard id>/invoicing/<invoice>).
 */
function checkInvoiceUrl() {
    const path = window.location.pathname;
    if (!/\/invoicing\/\d+$/.test(path) || /\/\d+\/invoicing\//.test(path)) {
        throw new Error(`The address after Create Invoice does not name the invoice alone: ${path}`);
    }
}

// The draft invoice's form.
const INVOICE_FORM =
    ".o_form_view:has(.o_field_widget[name='invoice_line_ids']):has(.o_arrow_button_current[data-value='draft'])";

registry.category("web_tour.tours").add("payment_request_invoice_list_tour", {
    steps: () => [
        {
            content: "Select the paid request in the list",
            trigger: ".o_list_view .o_data_row:has(.o_field_badge:contains('Paid')) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Action menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Create Invoice",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Create Invoice')",
            run: "click",
        },
        {
            content: "Create the invoice",
            trigger: ".modal footer button[name='action_create_invoices']",
            run: "click",
        },
        {
            content: "The invoice's form is open, and the address names it",
            trigger: INVOICE_FORM,
            run: checkInvoiceUrl,
        },
        unloadsPage({
            content: "Reload the page (F5)",
            trigger: INVOICE_FORM,
            run() {
                window.location.reload();
            },
        }),
        {
            content: "After the reload: the same invoice, the requests' list behind it",
            trigger: INVOICE_FORM,
            run: checkInvoiceUrl,
        },
        {
            content: "The breadcrumb holds no request",
            trigger: ".o_breadcrumb:not(:has(.breadcrumb-item:contains('PR/')))",
        },
    ],
});
