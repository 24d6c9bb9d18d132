"""Tags of the idea card (`includes/idea_card.html`), cheap enough for a page of cards.

`{% contest_ideas_url idea %}`: the idea list URL of the idea's contest, reversed once per contest and
request (a Wagtail page URL costs a site look-up and two reverses; the cards of a page share one).
`{{ value|choice_label:"district" }}`: the label of a status, district or target group through its
enum, one translation look-up (`get_FOO_display` hashes every choice label, so translates them all).
"""

from django import template
from wagtail.contrib.routable_page.templatetags.wagtailroutablepage_tags import routablepageurl

from ideas.choices import District, IdeaStatus, TargetGroup

register = template.Library()

_CHOICES = {"status": IdeaStatus, "district": District, "target_group": TargetGroup}


@register.simple_tag(takes_context=True)
def contest_ideas_url(context, idea) -> str:
    request = context.get("request")
    urls = getattr(request, "_ideas_contest_list_urls", None)
    if urls is None:
        urls = {}
        if request is not None:
            request._ideas_contest_list_urls = urls
    if idea.contest_id not in urls:
        urls[idea.contest_id] = routablepageurl(context, idea.contest, "ideas")
    return urls[idea.contest_id]


@register.filter
def choice_label(value, kind: str):
    try:
        return _CHOICES[kind](value).label
    except (KeyError, ValueError):
        return value
