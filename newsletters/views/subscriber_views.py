"""Public subscription pages: sign-up with double opt-in, confirmation, a new
confirmation link, preferences (language and name), and unsubscription
(including RFC 8058 one-click).

The sign-up and new-link forms answer every valid submission with the same
redirect to the same page, and do the same work whatever the address: they
queue one account email and send nothing. The send worker decides what the
address gets (`newsletters/mail/outbox.py`), so neither the answer nor its
timing tells whether an address is on the list. Rate limits count attempts
per client address and per pair of client and email address, never per
email address alone, so nobody can lock an address's owner out.
"""

import hashlib

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from msme_portal.proxies import client_address
from newsletters.forms import NewLinkForm, SubscribeForm, validate_plain_text
from newsletters.mail import links
from newsletters.models import (
    AccountEmail,
    AccountEmailKind,
    ConsentWording,
    Subscriber,
    SubscriberLanguage,
    SubscriberStatus,
)
from newsletters.models.subscribers import normalize_email

TEMPLATES = "newsletters/subscribers/"


def is_rate_limited(kind, identifier):
    """Count one attempt for `identifier` and say whether it is over the
    limit set in NEWSLETTER_SIGNUP_RATE_LIMITS[kind] (a fixed window)."""
    limit, window = settings.NEWSLETTER_SIGNUP_RATE_LIMITS[kind]
    digest = hashlib.sha256(identifier.lower().encode()).hexdigest()
    key = f"newsletters:signup-limit:{kind}:{digest}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # The window ended between add() and incr().
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit


def is_pair_rate_limited(request, email):
    """Whether this client has asked too often for this email address."""
    return is_rate_limited("ip_email", f"{client_address(request)} {normalize_email(email)}")


def too_many_attempts(request, kind):
    window = settings.NEWSLETTER_SIGNUP_RATE_LIMITS[kind][1]
    response = render(
        request, TEMPLATES + "rate_limited.html", {"minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method == "POST":
        if is_rate_limited("ip", client_address(request)):
            return too_many_attempts(request, "ip")
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if form.is_from_robot():
                # Robots get the page people get, and nothing is recorded or sent.
                return redirect("subscribers:thanks")
            problem = form.start_time_problem()
            if problem:
                # Too fast (browser autofill), too old or unreadable: a person
                # may well have sent it, so they get it back to send again.
                return subscribe_page(request, form.again(), notice=problem)
            email = form.cleaned_data["email"]
            if is_pair_rate_limited(request, email):
                return too_many_attempts(request, "ip_email")
            # The worker records the sign-up: reading the subscriber here
            # would make the answer's timing tell who is on the list.
            AccountEmail.objects.queue(
                AccountEmailKind.SIGN_UP, email, sign_up=form.sign_up_details()
            )
            return redirect("subscribers:thanks")
    else:
        form = SubscribeForm()
    return subscribe_page(request, form)


def subscribe_page(request, form, notice=""):
    return render(
        request,
        TEMPLATES + "subscribe.html",
        {
            "form": form,
            "notice": notice,
            "wording": form.wording,
        },
    )


@require_safe
def thanks(request):
    return render(request, TEMPLATES + "thanks.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """Double opt-in: the emailed link opens a page with a confirm button.

    GET never changes state: mail security scanners open links in emails, and
    a scanner must not be able to subscribe someone. The button POSTs back to
    the same address. Confirming twice is harmless.
    """
    try:
        subscriber = links.read_confirmation_token(token)
    except links.ExpiredToken:
        return link_problem(request, "expired", status=410)
    except links.BadToken:
        return link_problem(request, "invalid", status=400)
    if subscriber is None:
        return link_problem(request, "invalid", status=400)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return link_problem(request, "unsubscribed", status=410)
    # People added by staff consent here, to the words this page shows.
    wording = ConsentWording.objects.in_force(translation.get_language())
    if request.method == "POST":
        if subscriber.confirm(wording):
            AccountEmail.objects.queue(AccountEmailKind.WELCOME, subscriber.email)
        return render(request, TEMPLATES + "confirmed.html", {"subscriber": subscriber})
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return render(request, TEMPLATES + "confirmed.html", {"subscriber": subscriber})
    context = {"subscriber": subscriber, "wording": wording}
    return render(request, TEMPLATES + "confirm.html", context)


def link_problem(request, reason, status):
    return render(
        request,
        TEMPLATES + "link_problem.html",
        {"reason": reason, "form": NewLinkForm()},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def new_link(request):
    """Ask for a fresh confirmation link. Answers like the sign-up does,
    whatever the address, and queues the request whatever the address; the
    worker mails only people waiting for confirmation, or already
    subscribed."""
    if request.method == "POST":
        if is_rate_limited("ip", client_address(request)):
            return too_many_attempts(request, "ip")
        form = NewLinkForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if is_pair_rate_limited(request, email):
                return too_many_attempts(request, "ip_email")
            AccountEmail.objects.queue(AccountEmailKind.NEW_LINK, email)
            return redirect("subscribers:thanks")
    else:
        form = NewLinkForm()
    return render(request, TEMPLATES + "new_link.html", {"form": form})


# Mail clients send RFC 8058 one-click unsubscriptions as a plain POST without
# any CSRF token; the signed token in the address is what authorizes it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows a button and changes nothing; POST (the button, or a mail
    client's one-click request) unsubscribes. Doing it twice is harmless."""
    try:
        subscriber = links.read_unsubscribe_token(token)
    except links.BadToken:
        return render(request, TEMPLATES + "unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        # An erased subscriber is not on the list any more: that is success too.
        if subscriber is not None:
            subscriber.unsubscribe()
        return render(request, TEMPLATES + "unsubscribed.html")
    return render(
        request,
        TEMPLATES + "unsubscribe.html",
        {
            "subscriber": subscriber,
            "is_subscribed": subscriber is not None
            and subscriber.status != SubscriberStatus.UNSUBSCRIBED,
        },
    )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=SubscriberLanguage.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        validators=[validate_plain_text],
        help_text=_("How the newsletter greets you. Leave it empty for “Hello,”."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    """Change the newsletter's language and the name it greets with, from the
    signed link in every email: no account, no password. CSRF applies, as
    the page's own form posts it. Once saved, the page opens again in the
    language chosen."""
    try:
        subscriber = links.read_preferences_token(token)
    except links.BadToken:
        subscriber = None
    if subscriber is None:
        return render(request, TEMPLATES + "preferences.html", {"invalid": True}, status=400)
    context = {
        "invalid": False,
        "subscriber": subscriber,
        "is_subscribed": subscriber.status != SubscriberStatus.UNSUBSCRIBED,
        "unsubscribe_url": links.unsubscribe_url(subscriber),
        "saved": request.GET.get("saved") == "1",
    }
    if not context["is_subscribed"]:
        return render(request, TEMPLATES + "preferences.html", context)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            # Only these columns: the worker may be updating others meanwhile.
            Subscriber.objects.filter(pk=subscriber.pk).update(
                language=form.cleaned_data["language"],
                name=form.cleaned_data["name"],
                updated_at=timezone.now(),
            )
            with translation.override(form.cleaned_data["language"]):
                path = reverse("subscribers:preferences", kwargs={"token": token})
            return HttpResponseRedirect(path + "?saved=1")
    else:
        form = PreferencesForm(initial={"language": subscriber.language, "name": subscriber.name})
    return render(request, TEMPLATES + "preferences.html", {**context, "form": form})
