import {ListRenderer} from "@web/views/list/list_renderer";
import {registry} from "@web/core/registry";

const viewRegistry = registry.category("views");

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
function addReconcilePaymentRequestView(ReconcileMoveLineView) {
    viewRegistry.add("reconcile_payment_request", {
        ...ReconcileMoveLineView,
        Renderer: ReconcilePaymentRequestRenderer,
        buttonTemplate: "web.ListView.Buttons",
    });
}

// OCA registers its view as "reconcile_move_line" on both series, from a
// module it moved from js/ (18.0) to views/ (19.0): this module does not
// import it, so nothing orders the two. The backend bundle starts OCA's first,
// the unit test loader (all addons) may start this one first: wait for it then.
if (viewRegistry.contains("reconcile_move_line")) {
    addReconcilePaymentRequestView(viewRegistry.get("reconcile_move_line"));
} else {
    const onViewAdded = ({detail}) => {
        if (detail.operation === "add" && detail.key === "reconcile_move_line") {
            viewRegistry.removeEventListener("UPDATE", onViewAdded);
            addReconcilePaymentRequestView(detail.value);
        }
    };
    viewRegistry.addEventListener("UPDATE", onViewAdded);
}
