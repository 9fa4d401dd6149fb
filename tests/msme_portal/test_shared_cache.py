"""The default cache is shared between processes, and a check refuses one that is not."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from msme_portal.shared_cache import check_cache_is_shared


def test_a_per_process_cache_is_refused_for_production(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in check_cache_is_shared(None)] == ["msme_portal.W001"]


@pytest.mark.parametrize(
    "backend", ["msme_portal.redis_cache.RedisCache", "django.core.cache.backends.redis.RedisCache"]
)
def test_redis_passes_the_check(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/0"}}
    assert check_cache_is_shared(None) == []


def test_the_production_default_is_the_database_cache_whose_table_migrate_creates(tmp_path):
    database = tmp_path / "db.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msme_portal.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_DEBUG": "0",
        "DJANGO_ENV_FILE": "",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    environment.pop("DJANGO_CACHE_BACKEND", None)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=environment, check=True)
    # One process stores, another reads: what several gunicorn workers need.
    subprocess.run(
        [
            *manage,
            "shell",
            "-v",
            "0",
            "-c",
            "from django.core.cache import cache; cache.set('k', 'v', 60)",
        ],
        env=environment,
        check=True,
    )
    read = subprocess.run(
        [
            *manage,
            "shell",
            "-v",
            "0",
            "-c",
            "from django.core.cache import cache; print(cache.get('k'))",
        ],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    assert read.stdout.strip() == "v"
