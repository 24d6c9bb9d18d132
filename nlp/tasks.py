"""Background tasks of the NLP module (django-tasks).

Dev and tests run them immediately; production runs them in `db_worker` processes. A failed
analysis never touches the submission: the error is stored through the item's corpus and
`manage.py nlp_refit` (run periodically) analyses again every item left unanalysed.
"""

import logging

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def analyse_item(model_label: str, pk: int) -> None:
    """Analyse one item of a registered corpus: tokens, tags, suggested label, similar items, duplicate."""
    from .adapter import item_analyse

    item_analyse(model_label=model_label, pk=pk)


@task()
def refit_all(run_id: int | None = None) -> None:
    """Re-fit the label classifiers on reviewer labels and re-cluster every corpus, as the refit run
    ``run_id`` (`nlp.refits.refit_request` queued it) or a new one; skipped (logged) while another
    refit runs."""
    from .refits import RefitBusy, refit_run

    try:
        refit_run(run_id=run_id)
    except RefitBusy:
        logger.warning("NLP refit %s skipped: another refit is running", run_id)


def analyse_later(item) -> None:
    """Enqueue the analysis of ``item`` once the current transaction commits; a failure to enqueue is
    logged, never raised (a submission never fails because of its analysis)."""
    label, pk = item._meta.label, item.pk

    def enqueue() -> None:
        try:
            analyse_item.enqueue(label, pk)
        except Exception:  # noqa: BLE001 - the submission must never fail because of analysis
            logger.exception("Could not enqueue the analysis of %s %s", label, pk)

    transaction.on_commit(enqueue)
