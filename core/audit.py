"""The audit trail: one append-only record per staff action (and per access to raw personal data).

Services call `audit_record` inside the transaction of the action itself, with the acting user and an
`AuditContext` (where the action came from) that the view built from the request (`core.http.audit_context`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

#: Audit records, and above all the access log of raw personal data (개인정보의 안전성 확보조치 기준
#: 제8조: at least two years), are kept at least this long. There is no deletion path at all today.
AUDIT_RETENTION = timedelta(days=2 * 366)


#: What each action code means, as staff read it in the audit log and its exports. The one place to
#: name a new code; a code missing here is shown as it is (`action_label`).
ACTION_LABELS: dict[str, str] = {
    "audit.export": _("감사 기록: 내보내기"),
    "idea.edit": _("아이디어: 관리자 수정"),
    "idea.status": _("아이디어: 상태 변경"),
    "idea.tags": _("아이디어: 태그 변경"),
    "idea.track": _("아이디어: 정책 트랙 확인·변경"),
    "expert.grant": _("전문가: 역할 부여·소속 변경"),
    "expert.revoke": _("전문가: 역할 회수"),
    "opinion.edit": _("토론 의견: 작성자 수정"),
    "opinion.delete": _("토론 의견: 작성자 삭제"),
    "comment.delete": _("댓글: 작성자 삭제"),
    "grievance.submit": _("현장 민원: 접수"),
    "grievance.assign": _("현장 민원: 담당 지정"),
    "grievance.start": _("현장 민원: 처리 시작"),
    "grievance.interim": _("현장 민원: 중간 답변"),
    "grievance.extend": _("현장 민원: 처리 기한 연장"),
    "grievance.transfer": _("현장 민원: 이송"),
    "grievance.hand_over": _("현장 민원: 인계"),
    "grievance.answer": _("현장 민원: 답변"),
    "grievance.reanswer": _("현장 민원: 재답변"),
    "grievance.rate": _("현장 민원: 만족도 평가"),
    "grievance.merge": _("현장 민원: 병합"),
    "nlp.refit": _("자동 분석: 모델 다시 학습"),
    "personal_data.view": _("개인정보: 원문 열람"),
    "personal_data.remask": _("개인정보: 다시 가림"),
    "report.auto_hide": _("신고: 누적으로 자동 숨김"),
    "report.burst": _("신고: 짧은 시간 집중 신고 감지"),
    "report.uphold": _("신고: 인정(비공개)"),
    "report.dismiss": _("신고: 기각(다시 공개)"),
    "review.panel_create": _("심사: 심사위원단 만들기"),
    "review.member_add": _("심사: 심사위원 추가"),
    "review.rubric_seed": _("심사: 평가 기준표 등록"),
    "review.assign": _("심사: 배정"),
    "review.assignment_add": _("심사: 배정 추가"),
    "review.assignment_remove": _("심사: 배정 취소"),
    "review.conflict_declare": _("심사: 이해충돌 신고"),
    "review.identifying_flag": _("심사: 식별 가능 내용 신고"),
    "review.score_submit": _("심사: 심사표 제출"),
    "review.remind": _("심사: 마감 알림 발송"),
    "review.decide": _("심사: 결정"),
    "review.results_publish": _("심사: 결과 공개"),
    "review.objection_file": _("심사: 이의신청 접수"),
    "review.objection_answer": _("심사: 이의신청 답변"),
    "review.export": _("심사: 결과 내보내기"),
    "review.snippet_create": _("심사: 설정 만들기"),
    "review.snippet_edit": _("심사: 설정 수정"),
    "review.snippet_delete": _("심사: 설정 삭제"),
    "screening.approve": _("사전 검토: 승인"),
    "screening.reject": _("사전 검토: 반려"),
    "screening.request_changes": _("사전 검토: 수정 요청"),
    "screening.merge": _("사전 검토: 병합"),
}


def action_label(code: str) -> str:
    """The Korean name of an audit action code (`ACTION_LABELS`); an unknown code as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


@dataclass(frozen=True)
class AuditContext:
    """Where an action came from: the client's address and browser. Empty for system actions
    (commands, background tasks)."""

    ip: str | None = None
    user_agent: str = ""


SYSTEM = AuditContext()


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    context: AuditContext | None = None,
) -> AuditEntry:
    """Append one audit record and return it. Call inside the transaction of the action itself."""
    context = context or SYSTEM
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        before=before or {},
        after=after or {},
        note=note[:2000],
        ip_address=context.ip,
        user_agent=context.user_agent[:300],
    )
