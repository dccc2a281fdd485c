from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DifferentFromCurrentPasswordValidator:
    """A changed password must be a new one: keeping the old one under a "change" defeats asking for it."""

    def validate(self, password, user=None):
        if user is not None and user.pk is not None and user.check_password(password):
            raise ValidationError(_("The new password must differ from the current one."), code="password_unchanged")

    def get_help_text(self):
        return _("Your new password must differ from your current one.")
