"""How the shared mechanisms see opinions: the moderation adapter and the NLP corpus, registered in
`ForumConfig.ready()`. Moderation and the NLP know no forum; they ask these."""

from __future__ import annotations

from django.utils.translation import gettext as _

from moderation.items import ModeratedItem, register
from nlp.adapter import generic_corpus
from nlp.corpora import register as register_corpus

from .models import Opinion

CORPUS = "opinions"


class OpinionItem(ModeratedItem):
    """Opinions and replies: named 의견/답글, public at once after a clean screening unless the topic
    asks for pre-moderation, compared for re-posts within their own topic."""

    def kind(self, item) -> str:
        return str(_("답글")) if item.parent_id else str(_("의견"))

    def title(self, item) -> str:
        return str(item)

    def publishes_unflagged(self, item) -> bool:
        return item.topic.moderation_mode == "flagged"

    def duplicate_scope(self, item):
        return Opinion.objects.filter(topic_id=item.topic_id).exclude(pk=item.pk)

    def recent_count_by_author(self, item, *, since):
        return Opinion.objects.filter(author_id=item.author_id, created_at__gte=since).count()


def opinion_corpus_queryset():
    """Live opinions (replies included): published, not hidden."""
    return Opinion.objects.public()


def register_opinions() -> None:
    register(Opinion, OpinionItem())
    register_corpus(
        generic_corpus(
            name=CORPUS,
            model=Opinion,
            queryset=opinion_corpus_queryset,
            fields=("id", "body_public", "updated_at"),
        )
    )
