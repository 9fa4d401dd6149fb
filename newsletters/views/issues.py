"""Public pages of the newsletter."""

from django.shortcuts import render
from django.views.generic import DetailView

from newsletters.models import Issue


def home(request):
    latest_issue = Issue.objects.published().first()
    return render(request, "newsletters/home.html", {"issue": latest_issue})


class IssueDetailView(DetailView):
    template_name = "newsletters/issue_detail.html"
    context_object_name = "issue"

    def get_queryset(self):
        return Issue.objects.published()
