import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("payment_request_account_reconcile_oca_tour", {
    steps: () => [
        {
            content: "Open the Payment Requests tab of the statement line",
            trigger: ".o_notebook .nav-link:contains(Payment Requests)",
            run: "click",
        },
        {
            content: "Pick the customer's request",
            trigger:
                ".o_notebook .tab-pane.active .o_data_row:contains(Tour Customer) .o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "The request is highlighted",
            trigger: ".o_notebook .tab-pane.active .o_data_row.table-info:contains(Tour Customer)",
        },
        {
            content: "The proposal credits the customer's receivable",
            trigger: ".o_reconcile_widget_table tr.other:contains(Tour Customer)",
        },
        {
            content: "Reconcile",
            trigger:
                ".o_account_reconcile_oca_statusbar button[name='reconcile_bank_line']:not(.disabled)",
            run: "click",
        },
        {
            content: "The statement line is reconciled",
            trigger: ".o_account_reconcile_oca_statusbar button[name='unreconcile_bank_line']",
        },
    ],
});
