import { registry } from "@web/core/registry";

/**
 * Invoicing one request of an order with two, as a Belgian user clicks it,
 * in Dutch: the paid request gets a down payment invoice (Factuur maken >
 * Voorschot van het ontvangen bedrag) and is Afgewerkt; the other one stays
 * Verzonden, in Openstaande betaalverzoeken, with its Betaling button.
 */
registry.category("web_tour.tours").add("payment_request_invoice_one_request_nl_tour", {
    steps: () => [
        {
            content: "The order's two Betaalverzoeken",
            trigger: ".o_form_view button[name='action_view_payment_requests']:has(.o_stat_value:contains('2')):has(.o_stat_text:contains('Betaalverzoeken'))",
            run: "click",
        },
        {
            content: "Both requests are listed: one Betaald, one Verzonden",
            trigger: ".o_list_view:has(.o_data_row .o_field_badge:contains('Betaald')):has(.o_data_row .o_field_badge:contains('Verzonden'))",
        },
        {
            content: "Open the paid request",
            trigger: ".o_list_view .o_data_row:has(.o_field_badge:contains('Betaald')) td.o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "The request is Betaald",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Betaald')",
        },
        {
            content: "Open the Action menu",
            trigger: ".o_form_view .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Factuur maken",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Factuur maken')",
            run: "click",
        },
        {
            content: "Invoice the money received of this request only",
            trigger: ".modal .o_field_widget[name='invoice_mode'] input[data-value='down_payment']",
            run: "click",
        },
        {
            content: "Without Facturen boeken, the wizard says what happens to the money",
            trigger: ".modal .o_payment_request_post_invoice_note:contains('openstaande betaling')",
        },
        {
            content: "Facturen boeken",
            trigger: ".modal .o_field_widget[name='post_invoice'] input",
            run: "click",
        },
        {
            content: "Factuur maken",
            trigger: ".modal footer button[name='action_create_invoices']:contains('Factuur maken')",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='posted']",
        },
        {
            content: "Back to the order's requests",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Betaalverzoeken')",
            run: "click",
        },
        {
            content: "The other request is still Verzonden",
            trigger: ".o_list_view .o_data_row .o_field_badge:contains('Verzonden')",
        },
        {
            content: "Open the filters",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Openstaande betaalverzoeken",
            trigger: ".o_filter_menu .o-dropdown-item:contains('Openstaande betaalverzoeken')",
            run: "click",
        },
        {
            content: "Only the other request is outstanding",
            trigger: ".o_list_view:has(.o_data_row .o_field_badge:contains('Verzonden')):not(:has(.o_data_row .o_field_badge:contains('Betaald')))",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:has(.o_field_badge:contains('Verzonden')) td.o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "It still asks its amount: the green Betaling button",
            trigger: ".o_form_view .o_form_statusbar button.btn-success[name='action_register_payment']:contains('Betaling')",
        },
        {
            content: "Its status bar says Verzonden",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Verzonden')",
        },
    ],
});
