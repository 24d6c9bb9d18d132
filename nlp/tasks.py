"""Background tasks of the NLP module (django-tasks).

Dev and tests run them immediately; production runs them in `db_worker` processes. A failed
analysis never touches the submission: the error is stored on the idea and
`manage.py nlp_refit` (run periodically) analyses again every idea left unanalysed.
"""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def analyse_idea(idea_id: int) -> None:
    """Analyse one idea: tokens, tags, suggested track, similar ideas, duplicate candidate."""
    from .adapter import idea_analyse

    idea_analyse(idea_id=idea_id)


@task()
def refit_all() -> None:
    """Re-fit the track classifier on reviewer labels and re-cluster every idea."""
    from .adapter import corpus_refit

    corpus_refit()


def analyse_idea_later(idea_id: int) -> None:
    """Enqueue the analysis of an idea; a failure to enqueue is logged, never raised."""
    try:
        analyse_idea.enqueue(idea_id)
    except Exception:  # noqa: BLE001 - the submission must never fail because of analysis
        logger.exception("Could not enqueue the analysis of idea %s", idea_id)
