"""Editors see the changes they propose to live issues; Publishers see and
decide them (newsletters/admin/pending_change_admin.py). Reversing this takes
the permissions away again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": ["view_pendingchange"],
    "Publishers": ["view_pendingchange", "change_pendingchange"],
}


def permissions(apps, using, codenames):
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
        content_type__app_label="newsletters", codename__in=codenames
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions(apps, using, codenames))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*permissions(apps, using, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("newsletters", "0012_former_addresses"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
