"""Models of the ideas app: accounts, editorial pages, policy tracks and citizen submissions."""

from .accounts import User
from .base import TimeStampedModel
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
