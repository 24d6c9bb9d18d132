# The analysed search's indexes on field posts, as ideas have them (ideas 0006): PostgreSQL only.

from django.db import migrations

POSTGRES_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS grievance_search_vector ON grievances_grievance USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS grievance_title_trgm ON grievances_grievance USING gin (title_public gin_trgm_ops)",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS grievance_title_trgm", "DROP INDEX IF EXISTS grievance_search_vector"]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("grievances", "0002_seed_holidays")]

    operations = [migrations.RunPython(_on_postgres(POSTGRES_SQL), _on_postgres(POSTGRES_REVERSE))]
