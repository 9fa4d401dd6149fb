"""The mail server's outages, as the send worker lives through them: while
the server does not answer, the worker as a whole waits, longer after each
failed try, and the deliveries keep their attempts (docs/architecture.md,
"Failures"). `OutageHandling` is that part of `Worker`
(newsletters/mail/worker.py).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.mail.smtp import ServerUnavailable, close_backend, open_backend
from newsletters.models import SendWorker

logger = logging.getLogger("newsletters.mail.worker")


class MailServerDown(Exception):
    """The mail server has not answered for longer than the worker may wait."""


@dataclass
class Outage:
    """The mail server stopped answering: since when, and how long this
    worker now waits between two tries."""

    since: datetime
    delay: timedelta
    retry_at: float = 0.0  # on the worker's clock


class OutageHandling:
    """Needs the worker's outage, outage_delay, max_outage_delay,
    give_up_after, clock, token, notify and connection_factory."""

    def server_down(self, reason):
        """Start or prolong an outage; the wait doubles with each failed try."""
        now = timezone.now()
        if self.outage is None:
            self.outage = Outage(since=now, delay=self.outage_delay)
        else:
            self.outage.delay = min(self.outage.delay * 2, self.max_outage_delay)
        self.outage.retry_at = self.clock() + self.outage.delay.total_seconds()
        delay = self.outage.delay.total_seconds()
        updated = SendWorker.objects.filter(token=self.token).update(
            smtp_down_since=self.outage.since,
            smtp_retry_seconds=delay,
            smtp_error=reason,
            last_seen_at=now,
        )
        if self.outage.since == now:
            self.notify(
                _(
                    "The mail server is not answering since %(since)s (%(reason)s); "
                    "the worker retries in %(delay)g s, then less and less often."
                )
                % {"since": local_time(now), "reason": reason, "delay": delay}
            )
        logger.info("Mail server not answering: %s (next try in %g s)", reason, delay)
        if self.give_up_after is not None and now - self.outage.since >= self.give_up_after:
            raise MailServerDown(
                _(
                    "The mail server has not answered since %(since)s: the worker stops. "
                    "The deliveries stay queued for the next run."
                )
                % {"since": local_time(self.outage.since)}
            )
        return updated

    def server_back(self):
        since = self.outage.since
        self.outage = None
        SendWorker.objects.filter(token=self.token).update(
            smtp_down_since=None, smtp_retry_seconds=None, smtp_error=""
        )
        self.notify(
            _("The mail server answers again (it did not from %(since)s to %(now)s).")
            % {"since": local_time(since), "now": local_time(timezone.now())}
        )

    def server_answers(self):
        """During an outage: whether a new connection to the mail server opens."""
        smtp = self.connection_factory()
        try:
            open_backend(smtp)
        except ServerUnavailable as error:
            self.server_down(str(error))
            return False
        finally:
            close_backend(smtp)
        return True


def local_time(moment):
    """HH:MM in the site's time zone, with the date if it is not today."""
    moment = timezone.localtime(moment)
    if moment.date() == timezone.localdate():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")
