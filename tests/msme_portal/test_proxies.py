"""The client's address behind trusted proxies, for login throttling and the sign-up limits."""

import pytest
from django.urls import reverse

from msme_portal.proxies import resolve_client

PROXY = "10.9.9.9"
PASSWORD = "a-long-enough-password-1"


@pytest.fixture(autouse=True)
def _one_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.8.0.0/16"]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # Straight from the client: no header, or a header nobody vouches for.
        ("192.0.2.1", "", "192.0.2.1"),
        ("192.0.2.1", "198.51.100.7", "192.0.2.1"),
        # Through the proxy, which appends the address it saw.
        (PROXY, "198.51.100.7", "198.51.100.7"),
        # A client that sends its own header through the proxy: the proxy's
        # entry, the rightmost, is the one believed.
        (PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two trusted proxies in a row (a load balancer, then nginx).
        (PROXY, "198.51.100.7, 10.8.1.2", "198.51.100.7"),
        # Garbage reported by a trusted proxy: the last address vouched for.
        (PROXY, "not-an-address", PROXY),
        ("2001:db8::1", "198.51.100.7", "2001:db8::1"),
        (PROXY, " 2001:db8::2 ", "2001:db8::2"),
        # The proxy had nothing to add.
        (PROXY, "", PROXY),
    ],
)
def test_the_client_is_the_first_address_no_trusted_proxy_stands_for(peer, forwarded_for, client):
    assert resolve_client(peer, forwarded_for) == client


def login(client, username, password, *, peer, forwarded_for=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **extra,
    )


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="chair", password=PASSWORD, is_staff=True)


@pytest.mark.django_db
def test_failed_logins_through_the_proxy_lock_out_only_the_client_that_made_them(
    client, staff_user
):
    for _ in range(5):
        login(client, "chair", "wrong", peer=PROXY, forwarded_for="198.51.100.7")
    assert (
        login(client, "chair", PASSWORD, peer=PROXY, forwarded_for="198.51.100.7").status_code
        == 429
    )
    # Every visitor comes through the same proxy; the others are not locked out.
    response = login(client, "chair", PASSWORD, peer=PROXY, forwarded_for="198.51.100.8")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_from_a_direct_client_changes_nothing(client, staff_user):
    from axes.models import AccessAttempt

    for n in range(5):
        # A new forged address each time, as if each attempt came from elsewhere.
        login(client, "chair", "wrong", peer="192.0.2.50", forwarded_for=f"203.0.113.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.50"}
    response = login(client, "chair", PASSWORD, peer="192.0.2.50", forwarded_for="203.0.113.99")
    assert response.status_code == 429
    # Nor can a forged header aimed at someone else's address lock them out.
    for _ in range(5):
        login(client, "chair", "wrong", peer="192.0.2.51", forwarded_for="198.51.100.7")
    response = login(client, "chair", PASSWORD, peer=PROXY, forwarded_for="198.51.100.7")
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_locked_out(client, django_user_model):
    django_user_model.objects.create_user(username="real", password=PASSWORD, is_staff=True)
    for n in range(4):
        assert login(client, f"guess{n}", PASSWORD, peer="192.0.2.60").status_code == 200
    assert login(client, "guess4", PASSWORD, peer="192.0.2.60").status_code == 429
    # The sprayer's address is locked, even for a username it has not tried...
    assert login(client, "real", PASSWORD, peer="192.0.2.60").status_code == 429
    # ...and only that address.
    assert login(client, "real", PASSWORD, peer="192.0.2.61").status_code == 302


@pytest.mark.django_db
def test_a_direct_client_cannot_claim_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    direct = client.get("/en/issues/", REMOTE_ADDR="192.0.2.70", HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301
    assert direct["Location"].startswith("https://")
    proxied = client.get("/en/issues/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


@pytest.mark.django_db
def test_sign_up_limits_count_the_client_behind_the_proxy(client, settings):
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {
        **settings.NEWSLETTER_SIGNUP_RATE_LIMITS,
        "ip": (2, 3600),
    }
    url = reverse("subscribers:subscribe")
    statuses = [
        client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        for _ in range(3)
    ]
    assert statuses[-1] == 429
    other = client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code != 429
