from .issues import (
    Issue,
    IssueStatus,
    Meeting,
    MeetingKind,
    Question,
    Section,
    SectionKind,
    SectionLink,
)
from .subscribers import (
    ConsentSource,
    ErasureRecord,
    Subscriber,
    SubscriberLanguage,
    SubscriberStatus,
)

__all__ = [
    "ConsentSource",
    "ErasureRecord",
    "Issue",
    "IssueStatus",
    "Meeting",
    "MeetingKind",
    "Question",
    "Section",
    "SectionKind",
    "SectionLink",
    "Subscriber",
    "SubscriberLanguage",
    "SubscriberStatus",
]
