import {ListRenderer} from "@web/views/list/list_renderer";
import {registry} from "@web/core/registry";

// OCA moved this view's module from js/ (18.0) to views/ (19.0); the views
// registry holds it under the same name on both, and account_reconcile_oca's
// assets are loaded before ours (manifest dependency), so it is there already.
const ReconcileMoveLineView = registry.category("views").get("reconcile_move_line");

export class ReconcilePaymentRequestRenderer extends ListRenderer {
    getRowClass(record) {
        let classes = super.getRowClass(record);
        const info = this.props.parentRecord.data.reconcile_data_info || {};
        if ((info.payment_request_ids || []).includes(record.resId)) {
            classes += " o_field_account_reconcile_oca_move_line_selected table-info";
        }
        return classes;
    }
}
ReconcilePaymentRequestRenderer.props = [
    ...ListRenderer.props,
    "parentRecord",
    "parentField",
];

// The journal items list of the widget, for payment requests: clicking a row
// sets the statement line's add_payment_request_id; the rows in the proposal
// are highlighted. Its "Add all" button adds journal items, so it is left out.
export const ReconcilePaymentRequestView = {
    ...ReconcileMoveLineView,
    Renderer: ReconcilePaymentRequestRenderer,
    buttonTemplate: "web.ListView.Buttons",
};

registry.category("views").add("reconcile_payment_request", ReconcilePaymentRequestView);
