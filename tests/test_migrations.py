"""The restructuring migrations keep existing data: on a database loaded with the demo content, going back
to the schema before the core existed and forward again loses no row, and the audit trail (which moved
from `moderation` to `core`) stays readable with its content type renamed."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _what_the_migrations_created():
    """A transactional test before this one may have flushed the rows Wagtail's migrations create (the
    default locale, the page tree's root); a real database has them, and the demo loader needs them."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


#: The state before the core app and the NLP registry's store existed.
BEFORE = [("moderation", "0004_seed_city_contact_numbers"), ("core", None), ("nlp", None)]
TABLES = ["moderation_auditentry", "ideas_idea", "ideas_support", "moderation_screeningcase", "moderation_report"]


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        out = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - table names are constants
            out[table] = cursor.fetchone()[0]
        return out


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_demo_content_survives_the_move_of_the_audit_trail_to_the_core():
    call_command("load_demo", password="demo-pass-1234", verbosity=0)
    before = counts()
    assert before["moderation_auditentry"] > 0 and before["ideas_idea"] > 0

    migrate(BEFORE)
    assert counts() == before
    assert ContentType.objects.filter(app_label="moderation", model="auditentry").exists()

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())
    assert counts() == before
    assert ContentType.objects.get_for_model(AuditEntry).app_label == "core"
    assert not ContentType.objects.filter(app_label="moderation", model="auditentry").exists()
    assert AuditEntry.objects.count() == before["moderation_auditentry"]
    assert apps.get_model("core", "AuditEntry")._meta.db_table == "moderation_auditentry"
