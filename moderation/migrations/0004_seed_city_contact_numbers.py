"""Seed the city's contact numbers that official answers may show: 120 다산콜센터 (also 02-120)
and every Seoul City Hall number 02-2133-…. Staff edit the list in the admin afterwards."""

from django.db import migrations

SEED = [
    ("120", False, "다산콜센터"),
    ("02-120", False, "다산콜센터 (지역번호 포함)"),
    ("02-2133", True, "서울특별시청 대표·부서 번호"),
]


def seed(apps, schema_editor):
    Number = apps.get_model("moderation", "AllowedContactNumber")
    for number, is_prefix, label in SEED:
        Number.objects.get_or_create(number=number, defaults={"is_prefix": is_prefix, "label": label})


def unseed(apps, schema_editor):
    Number = apps.get_model("moderation", "AllowedContactNumber")
    Number.objects.filter(number__in=[n for n, _p, _l in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_allowed_contact_number")]

    operations = [migrations.RunPython(seed, unseed)]
