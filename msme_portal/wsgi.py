"""
WSGI config for msme_portal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msme_portal.settings")

# Django's application, with the public pages it sent before sent again in
# front of it (msme_portal/sent_pages.py).
django_application = get_wsgi_application()

from msme_portal.sent_pages import wsgi_application  # noqa: E402 (needs the settings set up)

application = wsgi_application(django_application)
