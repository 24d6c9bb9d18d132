from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ideas"
    verbose_name = _("아이디어 공모")

    def ready(self):
        # Ideas plug into the shared mechanisms by registering, so those never import this app.
        from .analysis import register_ideas_corpus
        from .commenting import register_ideas_comments
        from .moderated import register_ideas_moderation

        register_ideas_moderation()
        register_ideas_corpus()
        register_ideas_comments()

        # A contest page published (its phases, its text) changes the cached anonymous pages.
        from wagtail.signals import page_published, page_unpublished

        from .cache import public_pages_changed

        def pages_changed(sender, **kwargs):
            public_pages_changed()

        page_published.connect(pages_changed, weak=False, dispatch_uid="ideas-page-cache-published")
        page_unpublished.connect(pages_changed, weak=False, dispatch_uid="ideas-page-cache-unpublished")
