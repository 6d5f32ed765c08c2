import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("payment_request_portal_pay_online_tour", {
    steps: () => [
        {
            content: "The portal page shows the amount due and the structured reference",
            trigger: ".o_payment_request_portal .o_payment_request_reference:contains('+++')",
        },
        {
            content: "The Pay online button leads to the Mollie payment link",
            trigger: "a.o_payment_request_pay_online[href^='https://payment-links.mollie.com/payment/']",
        },
        {
            content: "The PDF can be downloaded",
            trigger: "a.o_payment_request_download[href*='report_type=pdf']",
        },
    ],
});
