"""Re-fit the track classifier on reviewer corrections, re-cluster all ideas, retry failed analyses.

Run it periodically (cron, or `manage.py nlp_refit --enqueue` to hand it to a task worker).
"""

from django.core.management.base import BaseCommand, CommandError

from nlp.adapter import classifier_publish, index_publish, router_publish
from nlp.corpora import corpora
from nlp.tasks import RefitBusy, refit_request, refit_run


class Command(BaseCommand):
    help = "트랙 분류기를 심사자 수정값으로 다시 학습하고 모든 아이디어를 다시 묶습니다."

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=None, help="묶음 수 (없으면 자동)")
        parser.add_argument("--enqueue", action="store_true", help="작업 대기열에 넣고 바로 끝냅니다")
        parser.add_argument(
            "--index-only",
            action="store_true",
            help="분석은 그대로 두고 유사도 색인, 트랙 분류기, 부서 배정 모델만 새로 만들어 저장합니다 (대량으로 넣은 뒤, 첫 배포)",
        )

    def handle(self, *args, **options):
        if options["index_only"]:
            saved = [c.name for c in corpora() if index_publish(c) is not None]
            self.stdout.write(self.style.SUCCESS(f"저장한 유사도 색인 {len(saved)}개: {', '.join(saved) or '-'}"))
            fitted = [c.name for c in corpora() if classifier_publish(c) is not None]
            self.stdout.write(self.style.SUCCESS(f"저장한 분류기 {len(fitted)}개: {', '.join(fitted) or '-'}"))
            routed = [c.name for c in corpora() if router_publish(c) is not None]
            self.stdout.write(self.style.SUCCESS(f"저장한 부서 배정 모델 {len(routed)}개: {', '.join(routed) or '-'}"))
            return
        try:
            if options["enqueue"]:
                run = refit_request()
                self.stdout.write(f"대기열에 넣었습니다: {run.task_id} (실행 {run.pk})")
                return
            summary = refit_run(n_clusters=options["clusters"]).summary
        except RefitBusy as exc:
            raise CommandError(exc.messages[0]) from None
        self.stdout.write(
            self.style.SUCCESS(
                "아이디어 {ideas}건, 묶음 {clusters}개, 재분석 {retried}건 (실패 {failed}건), 저장한 유사도 색인 {indexed}개".format(
                    **summary
                )
            )
        )
