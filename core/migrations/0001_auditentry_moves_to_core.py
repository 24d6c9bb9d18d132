"""The audit trail moves from `moderation` to the core. Only Django's idea of where the model lives
changes: the table `moderation_auditentry` and every row in it stay exactly as they are, and its content
type is renamed (so permissions and generic references keep pointing at it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor, old="moderation", new="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="auditentry").exists():
        ContentType.objects.filter(app_label=old, model="auditentry").update(app_label=new)


def rename_back(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="core", new="moderation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("moderation", "0004_seed_city_contact_numbers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(db_index=True, max_length=60, verbose_name="행위")),
                        ("object_id", models.CharField(blank=True, db_index=True, max_length=64)),
                        ("object_repr", models.CharField(blank=True, max_length=200, verbose_name="대상")),
                        ("before", models.JSONField(blank=True, default=dict, verbose_name="변경 전")),
                        ("after", models.JSONField(blank=True, default=dict, verbose_name="변경 후")),
                        ("note", models.TextField(blank=True, verbose_name="메모")),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="접속 IP")),
                        ("user_agent", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="일시")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="처리자",
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "감사 기록",
                        "verbose_name_plural": "감사 기록",
                        "ordering": ["-created_at", "-id"],
                        "default_permissions": ("view",),
                        "db_table": "moderation_auditentry",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, rename_back),
    ]
