"""The Group's register: member economies, the Trade4MSMEs Network, and the
Group's officers, each with the dates that say who was there on a given day.
Knows nothing of newsletters."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Sum, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LEFT_BEFORE_JOINING = _("An economy cannot leave the Group before the date it joined.")


class MemberEconomyQuerySet(models.QuerySet):
    def as_of(self, day):
        """The members on `day`: joined on or before it (no date: from the
        start), and not left on or before it. Whoever joins later leaves the
        members of an earlier day as they were."""
        return self.filter(
            Q(joined_on=None) | Q(joined_on__lte=day), Q(left_on=None) | Q(left_on__gt=day)
        )

    def current(self):
        """The members today, as the register pages show them."""
        return self.as_of(timezone.localdate())

    def former(self):
        """Economies that have left the Group, the latest to leave first."""
        return self.filter(left_on__lte=timezone.localdate()).order_by("-left_on", "sort_name")

    def group_size(self):
        """WTO Members in the Group: the European Union counts as its member States."""
        total = self.aggregate(
            size=Sum(
                Case(
                    When(is_european_union=True, then="eu_member_states"),
                    default=1,
                    output_field=models.PositiveIntegerField(),
                )
            )
        )["size"]
        return total or 0

    def newest(self, count=2):
        return self.exclude(joined_on=None).order_by("-joined_on", "sort_name")[:count]

    def joined_by(self, day):
        """Every economy that has joined by `day` (no date: from the start),
        members then or not: the rows `split_register()` reads."""
        return self.filter(Q(joined_on=None) | Q(joined_on__lte=day))


def split_register(rows, day):
    """The members on `day` (as as_of()), in the order of `rows`, and the
    former members (as former()), from `rows`: every economy that has
    joined by that day."""
    members = [economy for economy in rows if economy.is_member_on(day)]
    former = sorted(
        (economy for economy in rows if economy.left_on and economy.left_on <= day),
        key=lambda economy: (-economy.left_on.toordinal(), economy.sort_name),
    )
    return members, former


class MemberEconomy(models.Model):
    name = models.CharField(
        _("name"),
        max_length=120,
        unique=True,
        help_text=_(
            'Official WTO name as shown, e.g. "Hong Kong, China" or "the Republic of Korea".'
        ),
    )
    sort_name = models.CharField(
        _("sort key"),
        max_length=120,
        help_text=_('How the name sorts in lists: "Gambia, The" sorts "The Gambia" under G.'),
    )
    joined_on = models.DateField(
        _("joined the Group on"),
        null=True,
        blank=True,
        help_text=_("Leave empty for founding members or when the date is not known."),
    )
    left_on = models.DateField(
        _("left the Group on"),
        null=True,
        blank=True,
        help_text=_("Leave empty while a member. Issues published before this date still list it."),
    )
    is_european_union = models.BooleanField(
        _("is the European Union"),
        default=False,
        help_text=_(
            "The European Union's member States count individually toward the Group's size."
        ),
    )
    eu_member_states = models.PositiveSmallIntegerField(
        _("number of EU member States"),
        null=True,
        blank=True,
        help_text=_("Only for the European Union: how many member States it counts as."),
    )

    objects = MemberEconomyQuerySet.as_manager()

    class Meta:
        verbose_name = _("member economy")
        verbose_name_plural = _("member economies")
        ordering = ["sort_name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(is_european_union=True, eu_member_states__gte=1)
                    | models.Q(is_european_union=False, eu_member_states=None)
                ),
                name="eu_member_states_only_for_eu",
                violation_error_message=_(
                    "Give the number of member States for the European Union, and only for it."
                ),
            ),
            models.UniqueConstraint(
                fields=["is_european_union"],
                condition=models.Q(is_european_union=True),
                name="only_one_european_union",
                violation_error_message=_("Only one economy can be the European Union."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(left_on=None) | Q(joined_on=None) | Q(left_on__gte=models.F("joined_on"))
                ),
                name="economy_leaves_after_joining",
                violation_error_message=LEFT_BEFORE_JOINING,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:member_list") + f"#economy-{self.pk}"

    def clean(self):
        super().clean()
        # Beside the field, rather than above the form as the constraint would.
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": LEFT_BEFORE_JOINING})

    def is_member_on(self, day):
        """What MemberEconomyQuerySet.as_of() says, for a row already loaded."""
        joined = self.joined_on is None or self.joined_on <= day
        return joined and (self.left_on is None or self.left_on > day)

    @property
    def counts_as(self):
        return self.eu_member_states if self.is_european_union else 1


class OrganizationKind(models.TextChoices):
    DEVELOPMENT_BANK = "development_bank", _("Development bank")
    UN_REGIONAL_COMMISSION = "un_regional_commission", _("UN regional commission")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    REGIONAL_ORGANIZATION = "regional_organization", _("Regional organization")


class NetworkOrganization(models.Model):
    """A participant in the Trade4MSMEs Network."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganizationKind.choices)
    website = models.URLField(_("website"), blank=True)
    joined_on = models.DateField(_("joined the Network on"), null=True, blank=True)
    display_order = models.PositiveSmallIntegerField(
        _("display order"), default=0, help_text=_("Lists show lower numbers first.")
    )

    class Meta:
        verbose_name = _("network organization")
        verbose_name_plural = _("network organizations")
        ordering = ["display_order", "name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("network:organization_list") + f"#org-{self.pk}"


class OfficerRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CHAIR = "chair", _("Chair")
    FRIEND_OF_THE_CHAIR = "friend_of_the_chair", _("Friend of the Chair")


class OfficerQuerySet(models.QuerySet):
    """A term runs from `term_start` to `term_end`, both days in office."""

    def in_office_on(self, day):
        return self.filter(Q(term_end=None) | Q(term_end__gte=day), term_start__lte=day)

    def ended_before(self, day):
        return self.filter(term_end__lt=day).order_by("-term_end")

    def current(self):
        return self.in_office_on(timezone.localdate())

    def previous(self):
        return self.ended_before(timezone.localdate())


class GroupOfficer(models.Model):
    """A coordinator, chair or friend of the chair of the Group, with their term."""

    name = models.CharField(
        _("name"), max_length=150, help_text=_('As printed, e.g. "H.E. Mr José Luis Cancela".')
    )
    role = models.CharField(_("role"), max_length=20, choices=OfficerRole.choices)
    economy = models.ForeignKey(
        MemberEconomy,
        verbose_name=_("economy"),
        on_delete=models.PROTECT,
        related_name="officers",
    )
    term_start = models.DateField(
        _("term started"),
        help_text=_("The first day in office. Issues published before it do not name the officer."),
    )
    term_end = models.DateField(
        _("term ended"),
        null=True,
        blank=True,
        help_text=_("The last day in office. Leave empty while in office."),
    )

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordinator or chair")
        verbose_name_plural = _("coordinators and chairs")
        ordering = ["-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end=None) | models.Q(term_end__gte=models.F("term_start")),
                name="officer_term_ends_after_start",
                violation_error_message=_("A term cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def is_in_office_on(self, day):
        """What OfficerQuerySet.in_office_on() says, for a row already loaded."""
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)
