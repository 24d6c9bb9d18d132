"""Comments made directly (no services), with hostile defaults: markup in every body."""

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from comments.models import Comment
from ideas.tests.factories import HOSTILE, UserFactory


class CommentFactory(DjangoModelFactory):
    """A published comment on `target` (pass `target=`)."""

    class Meta:
        model = Comment

    class Params:
        target = None

    author = factory.SubFactory(UserFactory)
    body = factory.LazyFunction(lambda: f"{HOSTILE} 좋은 아이디어네요. 우리 동네에도 필요합니다.")
    body_public = factory.LazyAttribute(lambda o: o.body)
    target_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    target_id = factory.LazyAttribute(lambda o: o.target.pk)
    published_at = factory.LazyFunction(timezone.now)
