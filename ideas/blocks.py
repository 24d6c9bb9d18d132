"""StreamField blocks for editorial pages. No raw HTML block, by design."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class NoticeBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("제목"), max_length=80)
    text = blocks.RichTextBlock(label=_("내용"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("안내 상자")
        template = "blocks/notice_block.html"


class FaqBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("질문"), max_length=200)
    answer = blocks.RichTextBlock(label=_("답변"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("자주 묻는 질문")
        template = "blocks/faq_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("소제목"), max_length=80, template="blocks/heading_block.html")
    paragraph = blocks.RichTextBlock(label=_("문단"), features=RICH_TEXT_FEATURES)
    image = ImageBlock(label=_("이미지"))
    notice = NoticeBlock()
    faq = FaqBlock()


class PrizeBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("상 이름"), max_length=40)
    count = blocks.IntegerBlock(label=_("인원/팀 수"), min_value=1)
    award = blocks.CharBlock(label=_("시상 내용"), max_length=100, help_text=_("예: 상금 200만원"))

    class Meta:
        icon = "pick"
        label = _("시상")
        template = "blocks/prize_block.html"
