"""The audit trail now lives in `core` (see core/migrations/0001): forget it here without touching the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_seed_city_contact_numbers"),
        ("core", "0001_auditentry_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEntry")], database_operations=[]),
    ]
