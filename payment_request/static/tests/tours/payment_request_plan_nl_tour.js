import { registry } from "@web/core/registry";

/**
 * A payment plan (betalingsschema) as a Belgian salesperson clicks it, in
 * Dutch: choose the plan on a quotation, Betalingsschema toepassen, confirm,
 * see the schedule, then Betaling on the first termijn.
 */
registry.category("web_tour.tours").add("payment_request_plan_nl_tour", {
    steps: () => [
        {
            content: "Choose the plan on the quotation",
            trigger: ".o_form_view .o_field_widget[name='payment_request_plan_id'] input",
            run: "edit Voorschot",
        },
        {
            content: "The plan 'Voorschot en saldo'",
            trigger: ".o-autocomplete--dropdown-menu a:contains('Voorschot en saldo')",
            run: "click",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Betalingsschema toepassen",
            trigger: ".o_form_view .o_form_statusbar button[name='action_apply_payment_request_plan']:contains('Betalingsschema toepassen')",
            run: "click",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_form_statusbar button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Verkooporder')",
        },
        {
            content: "The Betalingsschema tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Betalingsschema')",
            run: "click",
        },
        {
            content: "The schedule: termijn 1 van 2 sent",
            trigger: ".o_form_view .o_field_widget[name='payment_request_ids'] .o_data_row:first-child:contains('Termijn 1 van 2'):contains('Verzonden')",
        },
        {
            content: "Termijn 2 van 2 waits as a concept",
            trigger: ".o_form_view .o_field_widget[name='payment_request_ids'] .o_data_row:nth-child(2):contains('Termijn 2 van 2'):contains('Concept')",
        },
        {
            content: "Open the first termijn",
            trigger: ".o_form_view .o_field_widget[name='payment_request_ids'] .o_data_row:first-child td.o_data_cell",
            run: "click",
        },
        {
            content: "Its form names the termijn",
            trigger: ".modal .o_form_view .o_field_widget[name='instalment_label']:contains('Termijn 1 van 2')",
        },
        {
            content: "The green Betaling button",
            trigger: ".modal .o_form_view .o_form_statusbar button.btn-success[name='action_register_payment']:contains('Betaling')",
            run: "click",
        },
        {
            content: "Betaling registreren",
            trigger: ".modal:has(.o_field_widget[name='note']) footer button[name='action_register_payment']:contains('Betaling registreren')",
            run: "click",
        },
        {
            content: "The termijn is Betaald (its form opened over the order)",
            trigger: ".modal .o_form_view .o_statusbar_status:contains('Betaald')",
        },
    ],
});
