"""The Korean names of the results side's audit actions, added to `core.audit.ACTION_LABELS` at start-up."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "coordinator.grant": _("일자리 창출코디네이터: 부여·변경"),
    "coordinator.revoke": _("일자리 창출코디네이터: 해제"),
    "programme.result": _("시 일자리 사업: 실적 보고"),
    "programme.import": _("시 일자리 사업: 실적 가져오기"),
    "project.create": _("채택 사업: 만들기"),
    "project.adopt": _("채택 사업: 아이디어 채택"),
    "project.consent": _("채택 사업: 제안자 동의"),
    "project.consent_decline": _("채택 사업: 제안자 거절"),
    "project.update": _("채택 사업: 진행 갱신"),
    "project.milestone_done": _("채택 사업: 단계 완료"),
    "project.coordinator": _("채택 사업: 코디네이터 지정"),
    "project.import": _("채택 사업: 현황 가져오기"),
    "project.export": _("채택 사업: 현황 내려받기"),
    "project.admin_edit": _("채택 사업: 관리자 수정"),
}
