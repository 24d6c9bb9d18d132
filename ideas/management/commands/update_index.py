"""manage.py update_index: Wagtail's command, then what the idea search needs (`ideas.search`).

Ideas written in bulk around the services (imports, `load_fake_ideas --no-index`) get their analysed
title and text tokens and their PostgreSQL search vector. Idempotent: a second run does nothing.
"""

import time

from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from ideas.search import search_index_rebuild


class Command(WagtailUpdateIndex):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--ideas-only", action="store_true", help="Wagtail의 색인은 건너뛰고 아이디어 검색만")

    def handle(self, **options):
        if not options["ideas_only"]:
            super().handle(**options)
        started = time.perf_counter()

        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done}")

        done = search_index_rebuild(progress=progress)
        self.stdout.write(
            f"아이디어 검색 색인: 분석 {done['analysed']}건, 벡터 {done['vectors']}건 ({time.perf_counter() - started:.1f}초)"
        )
