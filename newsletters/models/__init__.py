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

__all__ = [
    "Issue",
    "IssueStatus",
    "Meeting",
    "MeetingKind",
    "Question",
    "Section",
    "SectionKind",
    "SectionLink",
]
