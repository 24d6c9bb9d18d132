"""Named permissions of the forum."""

import rules

from core.editing import may_delete, may_edit
from core.roles import is_signed_in, is_staff_member
from ideas.predicates import has_privacy_consent
from moderation.rules import is_withheld_by_moderator

from .predicates import (
    can_see_topic,
    is_opinion_author,
    opinion_is_public,
    opinion_is_top_level,
    topic_is_open,
    topic_takes_signups,
)

rules.add_perm("forum.view_topic", can_see_topic)
rules.add_perm("forum.post_opinion", is_signed_in & has_privacy_consent & can_see_topic & topic_is_open)
rules.add_perm(
    "forum.reply_opinion",
    is_signed_in & has_privacy_consent & can_see_topic & topic_is_open & opinion_is_public & opinion_is_top_level,
)
rules.add_perm(
    "forum.support_opinion", is_signed_in & can_see_topic & topic_is_open & opinion_is_public & ~is_opinion_author
)
# The author edits (within the edit window) or deletes their opinion or reply by the rules comments
# share (`core.editing`), and only while the topic is open: a closed topic's opinions, and so its
# summary, no longer change. An opinion a moderator withheld is not brought back by an edit.
rules.add_perm("forum.change_opinion", may_edit & can_see_topic & topic_is_open & ~is_withheld_by_moderator)
rules.add_perm("forum.delete_opinion", may_delete & can_see_topic & topic_is_open)
rules.add_perm("forum.follow_topic", is_signed_in & can_see_topic)
rules.add_perm("forum.signup_meeting", is_signed_in & can_see_topic & topic_takes_signups)
rules.add_perm("forum.manage_topic", is_staff_member)
