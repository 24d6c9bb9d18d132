"""Contests carry the moment their panel published the results (ContestPage.results_published_at):
copy it from the panels that already published."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    ReviewPanel = apps.get_model("review", "ReviewPanel")
    ContestPage = apps.get_model("ideas", "ContestPage")
    for contest_id, when in ReviewPanel.objects.filter(results_published_at__isnull=False).values_list(
        "contest_id", "results_published_at"
    ):
        ContestPage.objects.filter(pk=contest_id).update(results_published_at=when)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0002_identifying_content_flag"),
        ("ideas", "0004_contest_results_published_at"),
    ]

    operations = [migrations.RunPython(copy_forward, migrations.RunPython.noop)]
