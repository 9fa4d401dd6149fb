"""The published issues' and the calendar's years' sitemaps (registered in
msme_portal/sitemaps.py): each address in every language, with the others
as alternates."""

from django.urls import reverse

from msme_portal.sitemaps import SiteUrlSitemap
from newsletters.models import Issue, Meeting


class IssueSitemap(SiteUrlSitemap):
    changefreq = "yearly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class MeetingYearSitemap(SiteUrlSitemap):
    """The calendar's page of each year that has meetings."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return sorted({day.year for day in Meeting.objects.dates("date", "year")})

    def location(self, year):
        return reverse("newsletters:meeting_year", kwargs={"year": year})
