import logging

from lxml import html
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import safe_eval

_logger = logging.getLogger(__name__)

# Context key set by the visit messages cron on the templates it renders in batch.
COMPILE_ONCE = "fs_compile_once"


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """Compile the QWeb body once for the whole batch instead of once per visit.

        Core compiles a raw QWeb source anew for every record (about 5 ms each): rendering 5,000
        reminders spent most of its time compiling the same template. With ``fs_compile_once``
        in the context (set by the messages cron only), the source is compiled once per
        language and the compiled function is run per record, which gives the same output
        (asserted against core's path in the tests). Anything unusual goes to core: a renderer
        restricted to safe expressions, a template simple enough for core's regex mode.
        """
        if (
            not self.env.context.get(COMPILE_ONCE)
            or len(res_ids) < 2
            or not template_src
            or self._fs_rendering_restricted()
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        values = self._render_eval_context()
        values.update(add_context or {})
        qweb = self.env["ir.qweb"].with_context(**(options or {}))._prepare_environment(values)
        safe_eval.check_values(values)
        try:
            functions, name = qweb._compile(
                html.fragment_fromstring(template_src, create_parent="div")
            )
        except Exception as error:
            raise UserError(
                self.env._("Failed to compile the QWeb template %(name)s: %(error)s")
                % {"name": self.display_name, "error": error}
            ) from error
        results = {}
        for record in self.env[model].browse(res_ids):
            # t-set writes into the values: each record gets its own copy.
            record_values = dict(values, object=record)
            try:
                rendered = Markup("".join(functions[name](qweb, record_values)))
            except Exception as error:
                _logger.info("Failed to render template %s on %s", self.display_name, record)
                raise UserError(
                    self.env._("Failed to render the QWeb template %(name)s: %(error)s")
                    % {"name": self.display_name, "error": error}
                ) from error
            # Remove the <div> wrapped around the source, as core does.
            results[record.id] = rendered[5:-6]
        return results

    def _fs_rendering_restricted(self):
        """Core's rule: only admins and template editors render unrestricted QWeb."""
        return (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        )
