"""Publishers follow the sends they start, import subscribers and see the
erasure records.

Starting a send redirects to its progress page, and the sends list and the
failed-deliveries report are where a Publisher checks the outcome: all of
them need the view permissions of the two sending models, which 0004 did
not grant. Importing subscribers from CSV adds them, and the erasure records
are the count kept of the subscribers a Publisher erases: 0003 granted
neither. Reversing this takes them away again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHERS = "Publishers"
PUBLISHER_CODENAMES = [
    "view_issuesend",
    "view_delivery",
    "add_subscriber",
    "view_erasurerecord",
]


def permissions(apps, using):
    app_config = apps.get_app_config("newsletters")
    # The historical app registry leaves models_module unset, which
    # create_permissions takes to mean "no models".
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).filter(
        content_type__app_label="newsletters", codename__in=PUBLISHER_CODENAMES
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    publishers, _ = Group.objects.using(using).get_or_create(name=PUBLISHERS)
    publishers.permissions.add(*permissions(apps, using))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(using).filter(name=PUBLISHERS):
        group.permissions.remove(*permissions(apps, using))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("newsletters", "0007_stored_search_documents"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
