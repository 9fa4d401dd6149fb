"""Forms of the newsletter: the public sign-up, a new confirmation link, and
the staff import of subscribers."""

import re
import time
import unicodedata
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from network.models import MemberEconomy

from .models import ConsentWording, SubscriberLanguage

OTHER_ECONOMY = "other"
STARTED_SALT = "newsletters.forms.subscribe.started"
# A sign-up form older than this is shown again to be sent once more, so a
# robot cannot keep reusing one start time it fetched long ago.
STARTED_MAX_AGE = timedelta(days=1)
# Addresses we refuse outright: anything that could be read as several
# addresses or as extra header lines once it reaches a mail server.
FORBIDDEN_IN_ADDRESS = set(",;<>\"'()[]\\ ")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def validate_deliverable_address(value):
    """One plain ASCII address, nothing a mail header could misread.

    Internationalized addresses (non-ASCII local part, or a domain given in
    Unicode) are refused with an explanation rather than converted: a
    non-ASCII local part needs SMTPUTF8 end to end, which we cannot promise,
    and silently rewriting a domain to punycode would store an address the
    person did not type. People with such an address can use an ASCII alias.
    """
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise ValidationError(
            _("Enter one email address on a single line."), code="control_characters"
        )
    if FORBIDDEN_IN_ADDRESS.intersection(value) or value.count("@") > 1:
        raise ValidationError(
            _("Enter one email address only, such as name@example.org."), code="several"
        )
    if not value.isascii():
        raise ValidationError(
            _(
                "We cannot deliver to addresses with non-Latin or accented characters yet. "
                "If you have another address made only of plain Latin letters, please use it."
            ),
            code="non_ascii",
        )
    EmailValidator(message=_("Enter a valid email address, such as name@example.org."))(value)


def validate_plain_text(value):
    if any(unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in value):
        raise ValidationError(
            _("Use plain text on one line, without control characters."), code="control"
        )


class EmailAddressField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("label", _("Email address"))
        kwargs.setdefault(
            "widget", forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        )
        super().__init__(**kwargs)
        self.validators.append(validate_deliverable_address)


def make_started_token(seconds_ago=0):
    """The form's signed start time, `seconds_ago` seconds in the past."""
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def economy_choices():
    """Today's members: an economy that left the Group is "other" now."""
    members = MemberEconomy.objects.current().values_list("pk", "name")
    return [
        ("", _("Choose an economy (optional)")),
        *((str(pk), name) for pk, name in members),
        (OTHER_ECONOMY, _("Other (not listed)")),
    ]


class SubscribeForm(forms.Form):
    email = EmailAddressField()
    name = forms.CharField(
        label=_("Name"), max_length=150, required=False, validators=[validate_plain_text]
    )
    organization = forms.CharField(
        label=_("Organization"), max_length=200, required=False, validators=[validate_plain_text]
    )
    economy = forms.ChoiceField(label=_("Economy"), choices=economy_choices, required=False)
    economy_other = forms.CharField(
        label=_("Other economy"),
        max_length=120,
        required=False,
        validators=[validate_plain_text],
        help_text=_("If your economy is not in the list."),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=SubscriberLanguage.choices)
    consent = forms.BooleanField(
        label=_("I agree to receive the newsletter as described in the privacy statement."),
        error_messages={"required": _("Please tick the box to agree to the privacy statement.")},
    )
    # A field people never see (hidden by static/css/forms.css) and robots fill.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The version of the words shown, which the consent records; one that is
    # not a version is taken as the version in force.
    consent_wording = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        page_language = (get_language() or "en")[:2]
        self.wording = ConsentWording.objects.in_force(page_language)
        if not self.is_bound:
            self.initial["started"] = make_started_token()
            self.initial["consent_wording"] = self.wording.pk if self.wording else None
            if page_language in SubscriberLanguage.values:
                self.initial["language"] = page_language
        elif re.fullmatch(r"[0-9]{1,18}", str(self.data.get("consent_wording", ""))):
            # Sent back: the words shown then, if they still exist.
            shown = ConsentWording.objects.filter(pk=int(self.data["consent_wording"])).first()
            self.wording = shown or self.wording
        if self.wording:
            self.fields["consent"].label = self.wording.agreement
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["organization"].widget.attrs["autocomplete"] = "organization"

    def clean(self):
        cleaned = super().clean()
        economy = cleaned.get("economy")
        other = cleaned.get("economy_other", "")
        if economy == OTHER_ECONOMY and not other:
            self.add_error("economy_other", _("Name your economy, or choose one from the list."))
        return cleaned

    def sign_up_details(self):
        """What the send worker needs to record this sign-up, as JSON: the
        request itself reads nothing from the database (account_emails.py)."""
        data = self.cleaned_data
        chose_economy = data["economy"] not in ("", OTHER_ECONOMY)
        wording = self.wording
        return {
            "name": data["name"],
            "organization": data["organization"],
            "economy": int(data["economy"]) if chose_economy else None,
            "economy_other": data["economy_other"],
            "language": data["language"],
            "consent_wording": wording.pk if wording else None,
            "privacy_statement_version": wording.version if wording else "",
        }

    def is_from_robot(self):
        """A filled honeypot: people never see that field."""
        return bool(self.cleaned_data.get("website"))

    def start_time_problem(self):
        """What to tell the visitor when the form came back faster than a
        person usually fills it, too long after it was shown, or without a
        start time we signed; an empty string when all is well."""
        again = gettext("Please check your details and press Subscribe again.")
        try:
            started = signing.loads(
                self.cleaned_data.get("started", ""),
                salt=STARTED_SALT,
                max_age=STARTED_MAX_AGE,
            )
            elapsed = time.time() - float(started)
        except signing.SignatureExpired:
            return f"{gettext('This form was open for a long time.')} {again}"
        except (signing.BadSignature, TypeError, ValueError):
            return f"{gettext('We could not read this form completely.')} {again}"
        if elapsed < settings.NEWSLETTER_SIGNUP_MIN_SECONDS:
            return again
        return ""

    def again(self):
        """This form, filled in as it was sent, with a fresh start time that
        lets the next press through at once: the visitor has seen the form."""
        data = self.data.copy()
        data[self.add_prefix("started")] = make_started_token(
            seconds_ago=settings.NEWSLETTER_SIGNUP_MIN_SECONDS
        )
        return type(self)(data)


class NewLinkForm(forms.Form):
    email = EmailAddressField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SubscriberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a header row. Columns: email (required), name, organization, "
            "economy (a member economy's name, or any other name), language (en, fr or es)."
        ),
    )
    prior_consent = forms.BooleanField(
        label=_("These people already gave their consent elsewhere"),
        required=False,
        help_text=_(
            "Tick only if each person agreed to receive the newsletter, for example on a "
            "paper form. They are then subscribed at once. Otherwise they wait, without any "
            'email, until you use "Resend confirmation email".'
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is too large: at most 5 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The file is not UTF-8 text. Save it as CSV UTF-8.")) from error
