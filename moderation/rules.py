"""Named permissions of moderation, combined once from the role predicates of `core.roles`."""

import rules

from core.roles import is_moderator, is_signed_in, is_site_admin

from .choices import ScreeningStatus
from .items import adapter_for
from .models import ScreeningCase


@rules.predicate
def is_item_author(user, item) -> bool:
    author = adapter_for(item).author(item) if item is not None else None
    return author is not None and user.is_authenticated and author.pk == user.pk


@rules.predicate
def is_reportable(user, item) -> bool:
    return item is not None and adapter_for(item).is_reportable(item)


@rules.predicate
def is_withheld_by_moderator(user, item) -> bool:
    """Hidden after reports, or unpublished by a moderator's decision (rejected, merged): its author's
    edit must not bring it back (an edit of a rejected text would otherwise pass the automatic
    screening and be published). Asked by the kinds' edit rules (`core.editing`)."""
    if item is None:
        return False
    if getattr(item, "hidden_at", None) is not None:
        return True
    if adapter_for(item).is_published(item):
        return False
    last = (
        ScreeningCase.objects.for_item(item).order_by("-submitted_at", "-id").values_list("status", flat=True).first()
    )
    return last in (ScreeningStatus.REJECTED, ScreeningStatus.MERGED)


# Moderators; `is_moderator` counts superusers too.

rules.add_perm("moderation.view_queue", is_moderator)
rules.add_perm("moderation.screen_item", is_moderator)
rules.add_perm("moderation.view_reports", is_moderator)
rules.add_perm("moderation.resolve_report", is_moderator)
rules.add_perm("moderation.report_item", is_signed_in & is_reportable & ~is_item_author)
# The audit trail: moderators and site admins read and export it; nobody changes it.
rules.add_perm("moderation.view_auditentry", is_moderator)
rules.add_perm("moderation.export_auditentry", is_moderator)
# The city's contact numbers allowed in official answers: moderators read the list, site admins
# keep it.
rules.add_perm("moderation.view_allowedcontactnumber", is_moderator)
for _action in ("add", "change", "delete"):
    rules.add_perm(f"moderation.{_action}_allowedcontactnumber", is_site_admin)
