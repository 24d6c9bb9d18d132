from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ideas"
    verbose_name = _("아이디어 공모")

    def ready(self):
        # Ideas plug into the shared mechanisms by registering, so those never import this app.
        from .analysis import register_ideas_corpus
        from .moderated import register_ideas_moderation

        register_ideas_moderation()
        register_ideas_corpus()
