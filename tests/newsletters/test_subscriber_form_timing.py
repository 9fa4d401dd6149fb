"""The subscription forms answer as fast for an address on the list as for
one that is not, so their timing tells nobody who is subscribed.

Each test times requests of two kinds through Django's test client, many of
each, interleaved in random order after a warm-up (so a machine that slows
down or speeds up meanwhile affects both kinds alike), and checks that the
two samples cannot be told apart:

- their medians differ by less than a fifth of the spread (the interquartile
  range of both samples together), or 0.3 ms if that is larger. For two
  samples of 400 from one distribution, the gap between their medians has a
  standard error of about 0.066 times the interquartile range, so a fifth is
  three standard errors: a busy machine widens the spread without failing
  the test, where a tenth would fail about one run in five. 0.3 ms is below
  the jitter of any network path an outsider would measure through;
- the best possible rule of the form "slower than t means subscribed" (or
  faster) guesses a single request right less than 60 % of the time, where
  chance is 50 %. For two samples of 400 from one distribution, the best
  rule's accuracy is (1 + D) / 2 with D the two-sample Kolmogorov-Smirnov
  statistic, and reaches 60 % with a probability below 1e-6.

While the email was sent inside the request, both tests failed: on an idle
machine the medians of the new-link form were 0.6 ms apart (1.6 against
0.9 ms) and one request was guessed right 92 % of the time; the sign-up's
were 0.4 ms apart, guessed right 69 % of the time. While the sign-up was
still recorded inside the request, a repeated sign-up for a pending address
(which renews its consent) took 0.25 ms longer than one for a confirmed
address (which changes nothing), guessed right 71 % of the time; now the
request writes the queue row alone and the worker records the sign-up.
"""

import gc
import random
import statistics
import time

import pytest

from newsletters.models import SubscriberStatus
from tests.newsletters.helpers import signup_form_data

SAMPLES_PER_KIND = 400
WARM_UP_PER_KIND = 30
MIN_MEDIAN_GAP_MS = 0.3
MAX_GUESS_ACCURACY = 0.6


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {
        "ip": (100_000, 3600),
        "ip_email": (100_000, 3600),
    }


def best_guess_accuracy(slow_kind, fast_kind):
    """The share of requests the best duration threshold classifies right,
    averaged over the two kinds (50 % is chance)."""
    labelled = sorted([(ms, True) for ms in slow_kind] + [(ms, False) for ms in fast_kind])
    best = 0.5
    slow_below = fast_below = 0
    for _ms, is_slow_kind in labelled:
        if is_slow_kind:
            slow_below += 1
        else:
            fast_below += 1
        # The rule "above this request's duration means the first kind".
        accuracy = (1 - slow_below / len(slow_kind) + fast_below / len(fast_kind)) / 2
        best = max(best, accuracy, 1 - accuracy)
    return best


def interquartile_range(values):
    quartiles = statistics.quantiles(values, n=4)
    return quartiles[2] - quartiles[0]


def time_requests(send, kinds):
    """Call send(kind, n) for SAMPLES_PER_KIND of each of `kinds`, in random
    order after a warm-up; returns the durations in milliseconds per kind."""
    order = [kind for kind in kinds for _ in range(SAMPLES_PER_KIND)]
    random.Random(20261201).shuffle(order)
    for n in range(WARM_UP_PER_KIND):
        for kind in kinds:
            send(kind, -1 - n)
    durations = {kind: [] for kind in kinds}
    gc.collect()
    for n, kind in enumerate(order):
        start = time.perf_counter()
        send(kind, n)
        durations[kind].append((time.perf_counter() - start) * 1000)
    return durations


def assert_indistinguishable(first, second):
    median_gap = abs(statistics.median(first) - statistics.median(second))
    allowed_gap = max(0.2 * interquartile_range(first + second), MIN_MEDIAN_GAP_MS)
    accuracy = best_guess_accuracy(first, second)
    summary = (
        f"medians {statistics.median(first):.3f} and {statistics.median(second):.3f} ms "
        f"(gap {median_gap:.3f}, allowed {allowed_gap:.3f}), "
        f"one request guessed right {accuracy:.0%} of the time"
    )
    assert median_gap < allowed_gap, summary
    assert accuracy < MAX_GUESS_ACCURACY, summary


@pytest.mark.django_db
def test_new_link_takes_as_long_for_a_subscribed_address_as_for_an_unknown_one(
    client, make_subscriber
):
    make_subscriber(email="known@example.org", status=SubscriberStatus.CONFIRMED)
    addresses = {"known": "known@example.org", "unknown": "unknown@example.org"}

    def send(kind, n):
        response = client.post("/en/subscribe/new-link/", {"email": addresses[kind]})
        assert response.status_code == 302

    durations = time_requests(send, ["known", "unknown"])

    assert_indistinguishable(durations["known"], durations["unknown"])


@pytest.mark.django_db
@pytest.mark.parametrize("other", ["unknown", "pending"])
def test_sign_up_takes_as_long_for_a_subscribed_address_as_for_any_other(
    client, make_subscriber, other
):
    make_subscriber(email="known@example.org", status=SubscriberStatus.CONFIRMED)
    make_subscriber(email="pending@example.org", status=SubscriberStatus.PENDING)
    # Each kind names one address throughout, as someone probing would, so
    # both reach their rate-limit counter alike; no worker runs, so the
    # unknown address stays unknown.
    addresses = {"known": "known@example.org", other: f"{other}@example.org"}

    def send(kind, n):
        response = client.post("/en/subscribe/", signup_form_data(email=addresses[kind]))
        assert response.status_code == 302

    durations = time_requests(send, ["known", other])

    assert_indistinguishable(durations["known"], durations[other])
