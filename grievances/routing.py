"""Which department should answer a post: the suggestion staff confirm or change in one click.

Before any analysis, a post whose track is known goes to a department that declared that track. Once
the NLP has analysed the post (`registration.grievance_store`), the suggestion combines where similar
earlier posts were routed and which departments answer the suggested track (`nlp.adapter`), with its
confidence.
"""

from __future__ import annotations

from .models import Department, Grievance


def _track_department(track_id) -> Department | None:
    if track_id is None:
        return None
    return Department.objects.filter(is_active=True, tracks__pk=track_id).order_by("sort_order", "name").first()


def _nlp_suggestion(grievance: Grievance) -> tuple[Department | None, float | None]:
    """The NLP's best department for an analysed post: where similar earlier posts were routed, and
    which departments answer its track (`nlp.adapter.route_suggestions`)."""
    from nlp.adapter import AnalysisUnavailable, route_suggestions

    track = grievance.track.slug if grievance.track_id else None
    try:
        ranked = route_suggestions(corpus="grievances", item=grievance, track=track, k=3)
    except AnalysisUnavailable:
        return None, None
    if not ranked:
        return None, None
    by_slug = {d.slug: d for d in Department.objects.filter(is_active=True, slug__in=[s for s, _ in ranked])}
    for slug, score in ranked:
        if slug in by_slug:
            return by_slug[slug], round(float(score), 4)
    return None, None


def route_suggest(*, grievance: Grievance, analysed: bool = False) -> Department | None:
    """Store the suggested department (and confidence) for a post staff have not routed yet: the NLP's
    once the post is `analysed` (called from the NLP store), the track's department before."""
    if grievance.route_confirmed:
        return grievance.department
    dept, score = _nlp_suggestion(grievance) if analysed else (None, None)
    if dept is None:
        track_id = grievance.track_id or grievance.suggested_track_id
        dept = _track_department(track_id)
        score = (1.0 if grievance.track_id else grievance.suggested_track_score) if dept else None
    Grievance.objects.filter(pk=grievance.pk).update(suggested_department=dept, suggested_department_score=score)
    grievance.suggested_department, grievance.suggested_department_score = dept, score
    return dept
