"""The public list of Trade4MSMEs guides, filterable by audience and topic."""

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from guides.models import Audience, Guide, Topic
from msme_portal.page_cache import cache_public_page

MAX_TEXT_LENGTH = 200


class GuideFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Audience"), choices=[("", _("All audiences")), *Audience.choices], required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("All topics"),
        required=False,
    )
    text = forms.CharField(label=_("Title contains"), max_length=MAX_TEXT_LENGTH, required=False)

    def clean_text(self):
        # NUL cannot be stored or searched by PostgreSQL.
        return self.cleaned_data["text"].replace("\x00", "").strip()


@cache_public_page
def guide_list(request):
    form = GuideFilterForm(request.GET or None)
    guides = Guide.objects.select_related("topic").order_by("title", "audience")
    if form.is_bound and form.is_valid():
        if audience := form.cleaned_data["audience"]:
            guides = guides.filter(audience=audience)
        if topic := form.cleaned_data["topic"]:
            guides = guides.filter(topic=topic)
        if text := form.cleaned_data["text"]:
            guides = guides.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    elif form.is_bound:
        guides = guides.none()
    guides = list(guides)
    return render(
        request,
        "guides/guide_list.html",
        {"form": form, "guides": guides, "filtered": form.is_bound},
    )
