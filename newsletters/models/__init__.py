from .account_emails import AccountEmail, AccountEmailKind, AccountEmailStatus
from .consent import ConsentWording
from .deliveries import Delivery, DeliveryStatus, IssueSend, SendWorker  # noqa: F401
from .former_addresses import FormerIssueSlug
from .issues import (
    Issue,
    IssueStatus,
    Question,
    Section,
    SectionKind,
    SectionLink,
)
from .meetings import Meeting, MeetingKind
from .pdf_editions import PdfEdition
from .pending_changes import PendingChange, PendingChangeStatus
from .search_documents import SECTION_SEARCH_DOCUMENTS  # noqa: F401
from .stored_pages import IssueDocument, IssuePageGeneration
from .subscribers import (
    ConsentSource,
    ErasureRecord,
    Subscriber,
    SubscriberLanguage,
    SubscriberStatus,
)
from .suppressions import (
    ReturnedMail,
    ReturnedMailKind,
    ReturnedMailSource,
    Suppression,
    SuppressionReason,
)

__all__ = [
    "AccountEmail",
    "AccountEmailKind",
    "AccountEmailStatus",
    "ConsentSource",
    "ConsentWording",
    "ErasureRecord",
    "FormerIssueSlug",
    "Issue",
    "IssueDocument",
    "IssuePageGeneration",
    "IssueStatus",
    "Meeting",
    "MeetingKind",
    "PdfEdition",
    "PendingChange",
    "PendingChangeStatus",
    "Question",
    "ReturnedMail",
    "ReturnedMailKind",
    "ReturnedMailSource",
    "Section",
    "SectionKind",
    "SectionLink",
    "Subscriber",
    "SubscriberLanguage",
    "SubscriberStatus",
    "Suppression",
    "SuppressionReason",
]
