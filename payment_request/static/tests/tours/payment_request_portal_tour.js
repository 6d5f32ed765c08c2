import { registry } from "@web/core/registry";
import { unloadsPage } from "@payment_request/../tests/tours/compat";

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
        unloadsPage({
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        }),
        {
            content: "Back on the request, paid, with nothing left to pay",
            trigger: ".o_payment_request_portal:has(.o_payment_request_state:contains('Paid')):not(:has(.o_payment_request_pay_now))",
            timeout: 20000,
        },
    ],
});
