import { registry } from "@web/core/registry";
import { unlessFormStaleAfterInvoicing } from "@payment_request/../tests/tours/compat";

/**
 * The whole betaalverzoek flow as a Belgian user clicks it, in Dutch:
 * order -> Betaalverzoek -> Verzenden -> Betaling (betaalwijze, notitie)
 * -> Openstaande betaalverzoeken -> Factuur maken -> Koppel on a bank
 * transaction. Each step checks the Dutch label it clicks.
 */
registry.category("web_tour.tours").add("payment_request_flow_nl_tour", {
    steps: () => [
        // 1. From the order, a payment request.
        {
            content: "Betaalverzoek on the order",
            trigger: ".o_form_view .o_form_statusbar button[name='action_create_payment_request']:contains('Betaalverzoek')",
            run: "click",
        },
        {
            content: "The request asks the full remaining amount",
            trigger: ".o_form_view .o_field_widget[name='amount_type'] input[data-value='remaining']:checked",
        },
        {
            content: "Save the draft",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The status bar says Concept",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Concept')",
        },
        // 2. Verzenden.
        {
            content: "Verzenden",
            trigger: ".o_form_view .o_form_statusbar button[name='action_send']:contains('Verzenden')",
            run: "click",
        },
        {
            content: "The mail carries the structured communication",
            trigger: ".modal .o_mail_composer_form_view .o_field_html:contains('+++')",
        },
        {
            content: "Send the mail",
            trigger: ".modal footer button.o_mail_send:contains('Verzenden')",
            run: "click",
        },
        {
            content: "The status bar says Verzonden",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Verzonden')",
        },
        // 3. Betaling, with betaalwijze and notitie.
        {
            content: "The green Betaling button",
            trigger: ".o_form_view .o_form_statusbar button.btn-success[name='action_register_payment']:contains('Betaling')",
            run: "click",
        },
        {
            content: "The wizard asks the betaalwijze",
            trigger: ".modal .o_form_label:contains('Betaalwijze')",
        },
        {
            content: "The wizard asks a notitie",
            trigger: ".modal .o_form_label:contains('Notitie')",
        },
        {
            content: "Add a notitie",
            trigger: ".modal .o_field_widget[name='note'] input",
            run: "edit betaald aan de toonbank",
        },
        {
            content: "Betaling registreren",
            trigger: ".modal footer button[name='action_register_payment']:contains('Betaling registreren')",
            run: "click",
        },
        {
            content: "The request is Betaald",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Betaald')",
        },
        // 4. The overview, filtered on the outstanding requests.
        {
            content: "Back to the order",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('S0')",
            run: "click",
        },
        {
            content: "The order's smart button, in the singular",
            trigger: ".o_form_view button[name='action_view_payment_requests']:has(.o_stat_value:contains('1')):has(.o_stat_text:contains('Betaalverzoek')):not(:contains('Betaalverzoeken'))",
        },
        {
            content: "Open the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Verkoop",
            trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
            run: "click",
        },
        {
            content: "Open Verkoop > Orders",
            trigger: ".o_main_navbar .o_menu_sections button:contains('Orders')",
            run: "click",
        },
        {
            content: "Betaalverzoeken",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Betaalverzoeken')",
            run: "click",
        },
        {
            content: "The requests are listed (the search view is the list's, not the order's)",
            trigger: ".o_list_view .o_data_row td.o_data_cell[name='name']:contains('PR/')",
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
            content: "The outstanding request is listed, the paid one is not",
            trigger: ".o_list_view .o_data_row:contains('Verzonden'):not(:has(td:contains('Betaald')))",
        },
        {
            content: "Remove the filter",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        // 5. Factuur maken, from the Action menu of the paid request.
        {
            content: "Open the paid request",
            trigger: ".o_list_view .o_data_row:has(.o_field_badge:contains('Betaald')) td.o_data_cell[name='name']",
            run: "click",
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
            content: "The wizard explains its choice",
            trigger: ".modal .o_payment_request_invoice_reason:contains('factuur')",
        },
        {
            content: "Post the invoice right away",
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
            content: "Back to the request",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('PR/')",
            run: "click",
        },
        ...unlessFormStaleAfterInvoicing({
            content: "The request is Afgewerkt",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Afgewerkt')",
        }),
        // 6. Koppel, on a bank transaction.
        {
            content: "Open the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Facturatie",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Klanten",
            trigger: ".o_main_navbar .o_menu_sections button:contains('Klanten')",
            run: "click",
        },
        {
            content: "Bankverrichtingen",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Bankverrichtingen')",
            run: "click",
        },
        {
            content: "Open the transaction",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('Tour overschrijving')",
            run: "click",
        },
        {
            content: "Open the Action menu",
            trigger: ".o_form_view .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Koppel",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Koppel')",
            run: "click",
        },
        {
            content: "The request with the transaction's reference is proposed",
            trigger: ".modal .o_field_widget[name='payment_request_ids'] .o_tag",
        },
        {
            content: "Koppel",
            trigger: ".modal footer button[name='action_link']:contains('Koppel')",
            run: "click",
        },
        {
            content: "The transaction is linked",
            trigger: ".o_form_view .o_field_widget[name='payment_request_ids'] .o_tag",
        },
    ],
});
