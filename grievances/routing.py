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


def route_suggest(*, grievance: Grievance) -> Department | None:
    """Store the suggested department (and confidence) for a post staff have not routed yet."""
    if grievance.route_confirmed:
        return grievance.department
    track_id = grievance.track_id or grievance.suggested_track_id
    dept = _track_department(track_id)
    score = (1.0 if grievance.track_id else grievance.suggested_track_score) if dept else None
    Grievance.objects.filter(pk=grievance.pk).update(suggested_department=dept, suggested_department_score=score)
    grievance.suggested_department, grievance.suggested_department_score = dept, score
    return dept
