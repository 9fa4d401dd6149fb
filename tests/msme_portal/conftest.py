import pytest
from django.db import connections


@pytest.fixture
def own_connection():
    """A connection of the test's own, outside the test's transaction: a
    database session with nothing prepared in it yet."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()
