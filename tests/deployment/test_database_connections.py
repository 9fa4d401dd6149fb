"""Workers whose database connections the server dropped (a restart of
PostgreSQL, an administrator, an idle timeout) answer the next requests as
before: the health check finds each dropped connection and connects again."""

from tests.deployment import services

REQUESTS = 30


def test_every_worker_answers_after_the_database_dropped_its_connections(site):
    served_before = services.logged_requests(site.gunicorn)
    before = [site.direct().get("/healthz") for _ in range(REQUESTS)]
    assert {page.status for page in before} == {200}
    assert len(services.workers_that_answered(site.gunicorn, "/healthz", served_before)) >= 2
    # Each backend waited for (up to 5 s) until it has ended: as after a
    # restart or an idle timeout, not while its goodbye is still on its way.
    dropped = site.query(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'"
    )
    assert dropped

    served_before = services.logged_requests(site.gunicorn)
    after = [site.direct().get("/healthz") for _ in range(REQUESTS)]

    assert [page.status for page in after] == [200] * REQUESTS
    assert len(services.workers_that_answered(site.gunicorn, since=served_before)) >= 2
