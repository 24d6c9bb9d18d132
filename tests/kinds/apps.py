from django.apps import AppConfig


class KindsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.kinds"
    label = "kinds"

    def ready(self):
        from comments.targets import CommentTarget
        from comments.targets import register as register_comment_target
        from moderation.items import ModeratedItem, register
        from nlp.adapter import generic_corpus
        from nlp.corpora import register as register_corpus

        from .models import FieldNote

        register(FieldNote, ModeratedItem())
        register_comment_target(FieldNote, CommentTarget())
        # Field notes stand for the grievance board: each is sent to a department (``route``) and
        # linked to the ideas that address the same topic.
        register_corpus(
            generic_corpus(name="field-notes", model=FieldNote, linked=("ideas",), route_of=lambda n: n.route)
        )
