"""manage.py update_index: Wagtail's command, then what the analysed search needs (`core.search`).

Rows written in bulk around the services (imports, `load_fake_ideas --no-index`) of every searchable
kind (ideas, field posts: each app's `search` module registers its index) get their analysed title and
text tokens and their PostgreSQL search vector. Idempotent: a second run does nothing.
"""

import time

from django.utils.module_loading import autodiscover_modules
from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from core.search import registered


class Command(WagtailUpdateIndex):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--ideas-only", action="store_true", help="Wagtail의 색인은 건너뛰고 아이디어·현장 건의 검색만"
        )

    def handle(self, **options):
        if not options["ideas_only"]:
            super().handle(**options)
        autodiscover_modules("search")  # each app's search module registers its index

        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done}")

        for index in registered().values():
            started = time.perf_counter()
            done = index.rebuild(progress=progress)
            self.stdout.write(
                f"{index.model._meta.verbose_name} 검색 색인: 분석 {done['analysed']}건, 벡터 {done['vectors']}건 "
                f"({time.perf_counter() - started:.1f}초)"
            )
