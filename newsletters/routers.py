"""Keeps Django's data commands off the tables PostgreSQL fills itself."""


class DerivedTablesRouter:
    """The sections' search tables are copies kept by triggers (migration
    0030). `dumpdata` would read tables SQLite never has, and `loaddata`
    would write rows the triggers have already written, so both skip them:
    they ask `allow_migrate` which models they may touch. Migrations are
    unaffected: the models are unmanaged."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Imported here: routers load with the settings, before the models.
        from newsletters.models import SECTION_SEARCH_DOCUMENTS

        derived = {model._meta.model_name for model in SECTION_SEARCH_DOCUMENTS.values()}
        if app_label == "newsletters" and model_name in derived:
            return False
        return None
