"""The words of privacy statement version "2026-11", as the sign-up page
showed them in English, French and Spanish until they moved into the
database, and each subscriber who agreed to that version pointed at the
words of their language. Publishers may add versions; everyone on staff
who sees subscribers may read them. Reversing this unlinks the subscribers
(their version name stays) and removes these three rows."""

import importlib
from datetime import UTC, datetime

from django.db import migrations

VERSION = "2026-11"
VALID_FROM = datetime(2026, 11, 1, tzinfo=UTC)
WORDINGS = {
    "en": (
        "The WTO MSME Group secretariat uses your email address, and the optional details you "
        "give, only to send you the newsletter in your chosen language and to count readers by "
        "economy. We do not share them with anyone.\n\n"
        "Every email has a link to unsubscribe at once. To have your details erased, write to "
        "the secretariat: we delete them and keep only a count of erased records.",
        "I agree to receive the newsletter as described in the privacy statement.",
    ),
    "fr": (
        "Le secrétariat du Groupe MPME de l’OMC utilise votre adresse électronique, ainsi que "
        "les informations facultatives que vous fournissez, uniquement pour vous envoyer le "
        "bulletin d’information dans la langue de votre choix et pour dénombrer les lecteurs "
        "par économie. Nous ne les communiquons à personne.\n\n"
        "Chaque courriel contient un lien permettant de se désabonner immédiatement. Pour "
        "faire effacer vos données, écrivez au secrétariat\u00a0: nous les supprimons et ne "
        "conservons que le nombre de fiches effacées.",
        "J’accepte de recevoir le bulletin d’information dans les conditions décrites dans la "
        "déclaration de confidentialité.",
    ),
    "es": (
        "La secretaría del Grupo MIPYME de la OMC utiliza su dirección de correo electrónico, "
        "así como los datos opcionales que usted facilite, únicamente para enviarle el boletín "
        "en el idioma que elija y para contabilizar los lectores por economía. No los "
        "compartimos con nadie.\n\n"
        "Cada mensaje contiene un enlace para darse de baja de inmediato. Para que se borren "
        "sus datos, escriba a la secretaría: los suprimiremos y solo conservaremos el número "
        "de registros borrados.",
        "Acepto recibir el boletín en las condiciones descritas en la declaración de privacidad.",
    ),
}
GRANTS = {
    "Editors": ["view_consentwording"],
    "Publishers": ["view_consentwording", "add_consentwording"],
}
# The same grant and revoke as the staging permissions, for these codenames.
staging_permissions = importlib.import_module("newsletters.migrations.0013_staging_permissions")


def fire_deferred_checks(schema_editor):
    """PostgreSQL checks the subscribers' new foreign keys at the end of the
    transaction: where several migrations run in one (a test's), the next
    one may not alter these tables with checks pending, so run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def add_wordings(apps, schema_editor):
    using = schema_editor.connection.alias
    ConsentWording = apps.get_model("newsletters", "ConsentWording")
    Subscriber = apps.get_model("newsletters", "Subscriber")
    for language, (statement, agreement) in WORDINGS.items():
        wording, _created = ConsentWording.objects.using(using).get_or_create(
            version=VERSION,
            language=language,
            defaults={"statement": statement, "agreement": agreement, "valid_from": VALID_FROM},
        )
        Subscriber.objects.using(using).filter(
            privacy_statement_version=VERSION, language=language, consent_wording=None
        ).update(consent_wording=wording)
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*staging_permissions.permissions(apps, using, codenames))
    fire_deferred_checks(schema_editor)


def remove_wordings(apps, schema_editor):
    using = schema_editor.connection.alias
    ConsentWording = apps.get_model("newsletters", "ConsentWording")
    Subscriber = apps.get_model("newsletters", "Subscriber")
    seeded = ConsentWording.objects.using(using).filter(version=VERSION)
    Subscriber.objects.using(using).filter(consent_wording__in=seeded).update(consent_wording=None)
    seeded.delete()
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*staging_permissions.permissions(apps, using, codenames))
    fire_deferred_checks(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("newsletters", "0021_consent_wordings"),
    ]

    operations = [migrations.RunPython(add_wordings, remove_wordings)]
