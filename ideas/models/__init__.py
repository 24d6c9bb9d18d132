"""Models of the ideas app: accounts, editorial pages, policy tracks and citizen submissions."""

from core.models import TimeStampedModel

from .accounts import User
from .ideas import Idea, IdeaAttachment, IdeaSimilarity, IdeaStatusChange, IdeaTag, Support
from .invitations import IdeaInvitation, InvitationStatus
from .pages import ContestIndexPage, ContestKind, ContestPage, HomePage
from .tracks import PolicyTrack

__all__ = [
    "ContestIndexPage",
    "ContestKind",
    "ContestPage",
    "HomePage",
    "Idea",
    "IdeaAttachment",
    "IdeaInvitation",
    "IdeaSimilarity",
    "IdeaStatusChange",
    "IdeaTag",
    "InvitationStatus",
    "PolicyTrack",
    "Support",
    "TimeStampedModel",
    "User",
]
