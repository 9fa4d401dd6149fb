"""Member economies and network organizations under the names the WTO uses
in English, French and Spanish (django-modeltranslation; see
newsletters/translation.py). The sort name is translated too, so "Émirats
arabes unis" sorts under E in French."""

from modeltranslation.translator import TranslationOptions, register

from network.models import MemberEconomy, NetworkOrganization


@register(MemberEconomy)
class MemberEconomyTranslation(TranslationOptions):
    fields = ("name", "sort_name")


@register(NetworkOrganization)
class NetworkOrganizationTranslation(TranslationOptions):
    fields = ("name", "acronym")
