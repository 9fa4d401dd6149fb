"""Behind the proxy each visitor is themselves: login lock-outs and sign-up
limits hit the client that earned them, and nobody else."""

import re
import time

from tests.deployment.services import EDITOR, PASSWORD

LOGIN = "/admin/login/"


def fail_logins(visitor, username, times):
    return [visitor.sign_in(username, "not-the-password").status for _ in range(times)]


def test_failed_logins_lock_out_the_client_that_made_them_and_no_other(site):
    attacker = site.visitor(source="127.0.0.40")
    assert fail_logins(attacker, EDITOR, 6) == [200, 200, 200, 200, 429, 429]
    # The right password no longer helps the locked-out client...
    assert attacker.sign_in(EDITOR, PASSWORD).status == 429
    # ...but the editor, signing in from their own machine, is not locked out.
    editor = site.visitor(source="127.0.0.41")
    assert editor.sign_in(EDITOR, PASSWORD).status == 302
    assert editor.get("/admin/").status == 200


def test_a_forged_forwarded_for_through_the_proxy_cannot_lock_out_its_victim(site):
    victim_address = "127.0.0.43"
    forger = site.visitor(source="127.0.0.42")
    forger.headers["X-Forwarded-For"] = victim_address
    assert fail_logins(forger, EDITOR, 5)[-1] == 429
    victim = site.visitor(source=victim_address)
    assert victim.sign_in(EDITOR, PASSWORD).status == 302


def test_a_client_reaching_gunicorn_directly_gains_nothing_from_forwarded_headers(site):
    direct = site.direct(source="127.0.0.1")
    direct.headers.update({"X-Forwarded-For": "127.0.0.44", "X-Forwarded-Proto": "https"})
    # Neither the address nor the scheme is believed: production sends it to HTTPS.
    response = direct.get(LOGIN)
    assert response.status == 301
    assert response.header("location").startswith("https://")
    # And whatever address it claims, its own failures (through the proxy,
    # where it must go) are counted against it.
    attacker = site.visitor(source="127.0.0.45")
    for n in range(5):
        attacker.headers["X-Forwarded-For"] = f"198.51.100.{n}"
        attacker.sign_in(EDITOR, "not-the-password")
    attacker.headers["X-Forwarded-For"] = "198.51.100.99"
    assert attacker.sign_in(EDITOR, PASSWORD).status == 429


def test_one_client_trying_many_usernames_is_locked_out(site):
    sprayer = site.visitor(source="127.0.0.46")
    statuses = [sprayer.sign_in(f"user{n}", PASSWORD).status for n in range(6)]
    assert statuses[-1] == 429
    assert sprayer.sign_in(EDITOR, PASSWORD).status == 429
    assert site.visitor(source="127.0.0.47").sign_in(EDITOR, PASSWORD).status == 302


def sign_up_form(visitor):
    page = visitor.get("/en/subscribe/")
    assert page.status == 200
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|started)" value="([^"]*)"', page.text))
    return fields


def sign_up(visitor, form, email):
    return visitor.post(
        "/en/subscribe/",
        {**form, "email": email, "language": "en", "consent": "on", "economy": ""},
    )


def test_sign_up_limits_hit_one_client_without_touching_another(site, settings):
    limit = settings.NEWSLETTER_SIGNUP_RATE_LIMITS["ip"][0]
    busy = site.visitor(source="127.0.0.50")
    form = sign_up_form(busy)
    time.sleep(settings.NEWSLETTER_SIGNUP_MIN_SECONDS + 0.5)
    statuses = [sign_up(busy, form, f"busy{n}@example.org").status for n in range(limit + 1)]
    # Counted across all three workers: the one over the limit is refused.
    assert statuses[:limit] == [302] * limit
    assert statuses[limit] == 429
    other = site.visitor(source="127.0.0.51")
    other_form = sign_up_form(other)
    time.sleep(settings.NEWSLETTER_SIGNUP_MIN_SECONDS + 0.5)
    assert sign_up(other, other_form, "other@example.org").status == 302


def test_sign_up_limits_count_across_the_workers_with_redis_too(site, redis_gunicorn, settings):
    limit = settings.NEWSLETTER_SIGNUP_RATE_LIMITS["ip"][0]
    busy = site.uncached(client="198.51.100.60", gunicorn=redis_gunicorn)
    form = sign_up_form(busy)
    time.sleep(settings.NEWSLETTER_SIGNUP_MIN_SECONDS + 0.5)
    statuses = [sign_up(busy, form, f"redis{n}@example.org").status for n in range(limit + 1)]
    assert statuses == [302] * limit + [429]
    other = site.uncached(client="198.51.100.61", gunicorn=redis_gunicorn)
    other_form = sign_up_form(other)
    time.sleep(settings.NEWSLETTER_SIGNUP_MIN_SECONDS + 0.5)
    assert sign_up(other, other_form, "other-redis@example.org").status == 302
