"""Models of the ideas app: accounts, editorial pages, policy tracks and citizen submissions."""

from core.models import TimeStampedModel

from .accounts import User
from .ideas import Idea, IdeaAttachment, IdeaSimilarity, IdeaStatusChange, IdeaTag, Support
from .pages import ContestIndexPage, ContestPage, HomePage
from .tracks import PolicyTrack

__all__ = [
    "ContestIndexPage",
    "ContestPage",
    "HomePage",
    "Idea",
    "IdeaAttachment",
    "IdeaSimilarity",
    "IdeaStatusChange",
    "IdeaTag",
    "PolicyTrack",
    "Support",
    "TimeStampedModel",
    "User",
]
