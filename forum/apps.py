from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forum"
    verbose_name = _("대토론회")

    def ready(self):
        # Opinions plug into the shared mechanisms by registering, so those never import this app.
        from .registration import register_opinions

        register_opinions()
