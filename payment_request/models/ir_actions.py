from odoo import Command, api, models

from ..compat import GROUPS


class IrActionsActions(models.Model):
    _inherit = "ir.actions.actions"

    @api.model
    def _payment_request_restrict_to_group(self, action_xmlids, group_xmlid):
        """Show the given actions to the members of a group only.

        Called from the data files: the actions' groups field is named
        differently on 18.0 and 19.0 (compat.GROUPS), which XML cannot say.
        """
        group = self.env.ref(group_xmlid)
        for xmlid in action_xmlids:
            self.env.ref(xmlid).write({GROUPS: [Command.link(group.id)]})
