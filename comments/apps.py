from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = _("댓글")

    def ready(self):
        # Comments are a moderated kind like ideas: screened, masked, reported, audited by moderation.
        from .moderated import register_comments_moderation

        register_comments_moderation()
