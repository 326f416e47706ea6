"""Make the database itself refuse to change a published version.

Only updates: deletes are already refused by the model, and a row-level delete trigger would
also stop Django's test-database flush on SQLite.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "definitions_serviceversion"
MESSAGE = "published service definition versions are immutable"

SQLITE = [
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
POSTGRESQL = [
    f"""CREATE FUNCTION {TABLE}_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""",
    f"""CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_immutable()""",
]
SQLITE_REVERSE = [f"DROP TRIGGER {TABLE}_no_update"]
POSTGRESQL_REVERSE = [f"DROP TRIGGER {TABLE}_immutable ON {TABLE}", f"DROP FUNCTION {TABLE}_immutable()"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("definitions", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
