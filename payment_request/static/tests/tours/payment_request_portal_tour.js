import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("payment_request_portal_pay_online_tour", {
    steps: () => [
        {
            content: "The portal page shows the structured reference",
            trigger: ".o_payment_request_portal .o_payment_request_reference:contains('+++')",
        },
        {
            content: "Pay now asks the amount due",
            trigger: ".o_payment_request_pay_now .o_payment_request_pay_amount:contains('300.00')",
        },
        {
            content: "Choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "Back on the request, paid",
            trigger: ".o_payment_request_portal .o_payment_request_residual:contains('0.00')",
            timeout: 20000,
        },
    ],
});
