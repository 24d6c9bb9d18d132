"""Seed the `Holiday` table with the 관공서의 공휴일 of 2025–2027 (grievances.holiday_data); staff extend it
yearly in the admin. Existing rows are kept (a date staff already entered is not overwritten)."""

from django.db import migrations

from grievances.holiday_data import KOREAN_PUBLIC_HOLIDAYS


def seed(apps, schema_editor):
    Holiday = apps.get_model("grievances", "Holiday")
    known = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create([Holiday(date=d, name=name) for d, name in KOREAN_PUBLIC_HOLIDAYS if d not in known])


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
