"""Create the two staff groups: Editors write, Publishers also publish.

Permissions are only created after post_migrate, so they are created here
first for the apps concerned; the groups can then be given them on a fresh
database as well as on an existing one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = {
    "newsletters": ["issue", "section", "question", "sectionlink", "meeting"],
    "network": ["membereconomy", "networkorganization", "groupofficer"],
    "guides": ["topic", "guide"],
}
EDITOR_DELETABLE = {"newsletters": ["section", "question", "sectionlink"]}
PUBLISHER_EXTRA = [("newsletters", "publish_issue"), ("newsletters", "delete_issue")]

EDITORS = "Editors"
PUBLISHERS = "Publishers"


def editor_codenames():
    for app_label, models in CONTENT_MODELS.items():
        for model in models:
            for action in ("add", "change", "view"):
                yield app_label, f"{action}_{model}"
    for app_label, models in EDITOR_DELETABLE.items():
        for model in models:
            yield app_label, f"delete_{model}"


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in ("auth", "contenttypes", *CONTENT_MODELS):
        app_config = apps.get_app_config(app_label)
        # The historical app registry leaves models_module unset, which
        # create_permissions takes to mean "no models".
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        return found

    editor_permissions = permissions(editor_codenames())
    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.add(*editor_permissions)
    publishers, _ = Group.objects.using(using).get_or_create(name=PUBLISHERS)
    publishers.permissions.add(*editor_permissions, *permissions(PUBLISHER_EXTRA))


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[EDITORS, PUBLISHERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("guides", "0001_initial"),
        ("network", "0001_initial"),
        ("newsletters", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
