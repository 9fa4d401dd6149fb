from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletter")

    def ready(self):
        from msme_portal import http_cache, page_cache, sitemaps, thumbnails
        from newsletters import editions, issue_page_drops
        from newsletters.mail import bounce_handling, provider_events
        from newsletters.models import (
            Issue,
            Meeting,
            PdfEdition,
            Question,
            Section,
            SectionLink,
            Subscriber,
        )
        from newsletters.publication_times import latest_publication
        from newsletters.sitemaps import IssueSitemap, MeetingYearSitemap

        # What the public pages show (msme_portal/page_cache.py).
        page_cache.invalidate_on(Issue, Section, Question, SectionLink, Meeting, PdfEdition)
        page_cache.invalidate_on_m2m(
            Issue.featured_guides.through, Issue.featured_organizations.through
        )
        http_cache.add_validator(latest_publication)
        sitemaps.add_static_pages(
            "newsletters:home", "newsletters:issue_list", "newsletters:meeting_list"
        )
        sitemaps.register("issues", IssueSitemap)
        sitemaps.register("meeting-years", MeetingYearSitemap)
        thumbnails.delete_replaced_thumbnails_of(Issue, Section)
        # Each section's translation status (newsletters/editions.py).
        editions.connect()
        # The stored issue pages each change drops (newsletters/issue_page_drops.py).
        issue_page_drops.connect()
        # An email provider's bounces and complaints (django-anymail's signal).
        provider_events.connect()
        pre_delete.connect(
            bounce_handling.forget_erased_subscriber,
            sender=Subscriber,
            dispatch_uid="newsletters.forget_erased_subscriber",
        )
