import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("payment_request_register_payment_tour", {
    steps: () => [
        {
            content: "Click the green Register Payment button",
            trigger: ".o_form_view .o_form_statusbar button.btn-success[name='action_register_payment']",
            run: "click",
        },
        {
            content: "The wizard proposes the residual",
            trigger: ".modal .o_field_widget[name='amount'] input:value(300.00)",
        },
        {
            content: "Add a note",
            trigger: ".modal .o_field_widget[name='note'] input",
            run: "edit tour note",
        },
        {
            content: "Confirm the payment",
            trigger: ".modal footer button[name='action_register_payment']",
            run: "click",
        },
        {
            content: "The request is now paid",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Paid')",
        },
    ],
});
