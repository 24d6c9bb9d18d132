"""Automatic screening of every new or edited submission: personal data, abuse, spam signals, bursts, duplicates, identifying content."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nlp import MODEL_VERSION as NLP_VERSION
from nlp.adapter import duplicates_of

from .. import abuse, pii, screening, spamguard
from ..choices import (
    FindingKind,
    ScreeningStatus,
    ScreeningTrigger,
)
from ..items import adapter_for
from ..models import ScreeningCase, ScreeningFinding

#: This many submissions by one author within BURST_WINDOW flag the latest.
BURST_LIMIT = 3
BURST_WINDOW = timedelta(minutes=10)


IDENTIFYING_DETAIL = gettext_lazy(
    "작성자의 이름이나 이메일 아이디가 들어 있어 블라인드 심사에서 작성자를 알 수 있습니다."
)


def identity_mentions(*, item, texts: dict[str, str] | None = None) -> list[str]:
    """Where the item names its own author: the text fields and files (`attachments`) whose text or
    file name contains the author's display name (2+ characters) or e-mail local part (3+), ignoring
    case and spaces. Blind review needs entries that do not identify their author."""
    adapter = adapter_for(item)
    author = adapter.author(item)
    if author is None:
        return []
    needles = []
    name = "".join((getattr(author, "display_name", "") or "").split()).casefold()
    if len(name) >= 2:
        needles.append(name)
    local = (getattr(author, "email", "") or "").split("@")[0].strip().casefold()
    if len(local) >= 3 and not local.startswith("withdrawn-"):
        needles.append(local)
    if not needles:
        return []
    places = dict(texts if texts is not None else adapter.texts(item))
    places["attachments"] = "\n".join(adapter.file_names(item))
    return [
        field for field, text in places.items() if any(n in "".join((text or "").split()).casefold() for n in needles)
    ]


def _findings_for(item, texts: dict[str, str], *, is_edit: bool, signals) -> list[ScreeningFinding]:
    """Run every automatic check; unsaved findings, in a stable order."""
    adapter = adapter_for(item)
    found: list[ScreeningFinding] = []
    for field, text in texts.items():
        kinds = pii.find_personal_data(text)
        if kinds:
            detail = ", ".join(f"{pii.KIND_LABELS[k]} {n}개" for k, n in kinds.items())
            found.append(ScreeningFinding(kind=FindingKind.PERSONAL_DATA, field=field, detail=detail[:300]))
        for signal in abuse.text_signals(text):
            found.append(
                ScreeningFinding(
                    kind=signal.kind,
                    field=field,
                    detail=signal.detail[:300],
                    score=signal.score,
                    checker_version=abuse.VERSION,
                )
            )
    for field in identity_mentions(item=item, texts=texts):
        found.append(ScreeningFinding(kind=FindingKind.IDENTIFYING, field=field, detail=str(IDENTIFYING_DETAIL)))
    if not is_edit:
        recent = adapter.recent_count_by_author(item, since=timezone.now() - BURST_WINDOW)
        if recent >= BURST_LIMIT:
            found.append(
                ScreeningFinding(
                    kind=FindingKind.BURST, detail=_("최근 10분 동안 %(n)d건 제출") % {"n": recent}, score=float(recent)
                )
            )
    seconds = signals.fill_seconds if signals is not None else None
    if seconds is not None and seconds < spamguard.MIN_FILL_SECONDS:
        detail = _("작성 시간 확인 값이 올바르지 않음") if seconds < 0 else _("%(s)d초 만에 작성") % {"s": seconds}
        found.append(ScreeningFinding(kind=FindingKind.TOO_FAST, detail=detail, score=seconds))
    for other_pk, score in duplicate_find(item=item):
        found.append(
            ScreeningFinding(
                kind=FindingKind.DUPLICATE,
                detail=_("유사도 %(p)d%%") % {"p": round(score * 100)},
                score=score,
                related_object_id=other_pk,
                checker_version=NLP_VERSION,
            )
        )
    return found


def duplicate_find(*, item) -> list[tuple[int, float]]:
    """Near-duplicates of `item` among the earlier submissions it may re-post: `(pk, score)`, best first.

    The NLP module's one duplicate decision (`nlp.adapter.duplicates_of`) over the item's own corpus,
    narrowed to the candidates the item's moderation adapter allows (for ideas: its contest). An item
    whose kind is not analysed has no duplicates.
    """
    found = duplicates_of(item=item)
    scope = adapter_for(item).duplicate_scope(item)
    if scope is not None and found:
        allowed = set(scope.filter(pk__in=[pk for pk, _s in found]).values_list("pk", flat=True))
        found = [(pk, score) for pk, score in found if pk in allowed]
    return found[:3]


def screening_on_submit(*, item, is_edit: bool = False, signals: spamguard.FormSignals | None = None) -> ScreeningCase:
    """Run the automatic checks on a new or edited submission, inside its transaction.

    A resident registration number blocks the submission (ValidationError naming the field), and
    so does a filled-in honeypot field (`signals`, read from the form by the view; None for the API). Other personal data is masked in the `*_public` copies.
    Findings (personal data, profanity, advertising, links, repetition, bursts, speed, duplicates)
    are stored on the item's screening case. The item is public at once only when its contest
    screens flagged submissions only and nothing was flagged; otherwise it waits, unpublished,
    for a moderator. Returns the case.
    """
    adapter = adapter_for(item)
    texts = adapter.texts(item)
    screened, errors = {}, {}
    for field, text in texts.items():
        try:
            screened[field] = screening.screen_public_text(text, field_name=field)
        except ValidationError as e:
            errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    if signals is not None and signals.honeypot_filled:
        raise ValidationError(
            _("자동 프로그램으로 보내진 것으로 보여 접수하지 않았습니다. 직접 작성해 다시 제출해 주세요.")
        )

    public_fields = []
    for field in texts:
        name = adapter.public_field(item, field)
        if name:
            setattr(item, name, screened[field].text)
            public_fields.append(name)
    if public_fields:
        item.save(update_fields=public_fields)

    findings = _findings_for(item, texts, is_edit=is_edit, signals=signals)
    contest = adapter.contest(item)
    flagged_only = adapter.moderation_mode(item) == "flagged"
    now = timezone.now()
    item_ct = ContentType.objects.get_for_model(item)
    case = (
        ScreeningCase.objects.select_for_update()
        .filter(content_type=item_ct, object_id=item.pk, status=ScreeningStatus.PENDING)
        .first()
    )
    auto_publish = flagged_only and not findings and case is None
    fields = {
        "contest": contest if getattr(contest, "pk", None) else None,
        "track": adapter.track(item),
        "trigger": ScreeningTrigger.EDIT if is_edit else ScreeningTrigger.NEW,
        "is_flagged": bool(findings),
    }
    if case is not None:
        for k, v in fields.items():
            setattr(case, k, v)
        case.save(update_fields=[*fields])
        case.findings.all().delete()
    elif auto_publish:
        case = ScreeningCase.objects.create(
            content_type=item_ct,
            object_id=item.pk,
            status=ScreeningStatus.APPROVED,
            decided_at=now,
            decision_note=_("자동 점검 통과: 바로 공개"),
            **fields,
        )
    else:
        case = ScreeningCase.objects.create(content_type=item_ct, object_id=item.pk, submitted_at=now, **fields)
    for f in findings:
        f.case = case
    ScreeningFinding.objects.bulk_create(findings)

    if auto_publish:
        adapter.publish(item, when=now)
    else:
        adapter.unpublish(item)
    return case
