"""Public subscription pages: sign-up with double opt-in, confirmation, a new
confirmation link, and unsubscription (including RFC 8058 one-click).

The sign-up answers every valid submission with the same redirect to the same
page and sends an email in every case, so nobody can learn from the site
whether an address is on the list.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from msme_portal.proxies import client_address
from newsletters.forms import NewLinkForm, SubscribeForm
from newsletters.mail import links
from newsletters.mail.subscriptions import send_already_subscribed, send_confirmation, send_safely
from newsletters.models import Subscriber, SubscriberStatus
from newsletters.models.subscribers import SignUpOutcome

TEMPLATES = "newsletters/subscriptions/"


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
                return redirect("subscriptions:thanks")
            if is_rate_limited("email", form.cleaned_data["email"]):
                return too_many_attempts(request, "email")
            subscriber, outcome = Subscriber.objects.sign_up(
                email=form.cleaned_data["email"],
                consent_version=settings.NEWSLETTER_PRIVACY_STATEMENT_VERSION,
                **form.subscriber_details(),
            )
            if outcome == SignUpOutcome.ALREADY_CONFIRMED:
                send_safely(send_already_subscribed, subscriber)
            else:
                send_safely(send_confirmation, subscriber)
            return redirect("subscriptions:thanks")
    else:
        form = SubscribeForm()
    return render(
        request,
        TEMPLATES + "subscribe.html",
        {
            "form": form,
            "privacy_statement_version": settings.NEWSLETTER_PRIVACY_STATEMENT_VERSION,
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
    if request.method == "POST":
        subscriber.confirm(settings.NEWSLETTER_PRIVACY_STATEMENT_VERSION)
        return render(request, TEMPLATES + "confirmed.html", {"subscriber": subscriber})
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return render(request, TEMPLATES + "confirmed.html", {"subscriber": subscriber})
    return render(request, TEMPLATES + "confirm.html", {"subscriber": subscriber})


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
    whatever the address; only people waiting for confirmation, or already
    subscribed, get an email."""
    if request.method == "POST":
        if is_rate_limited("ip", client_address(request)):
            return too_many_attempts(request, "ip")
        form = NewLinkForm(request.POST)
        if form.is_valid():
            if is_rate_limited("email", form.cleaned_data["email"]):
                return too_many_attempts(request, "email")
            subscriber = Subscriber.objects.with_email(form.cleaned_data["email"]).first()
            if subscriber is not None and subscriber.status == SubscriberStatus.PENDING:
                send_safely(send_confirmation, subscriber)
            elif subscriber is not None and subscriber.status == SubscriberStatus.CONFIRMED:
                send_safely(send_already_subscribed, subscriber)
            return redirect("subscriptions:thanks")
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
