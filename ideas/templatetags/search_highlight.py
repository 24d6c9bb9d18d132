"""`{% highlight text [length] %}`: the text, escaped, with the search's matched terms in <mark>.

The terms are the context's `search_terms` (a search's `highlight_terms`); without them the text is
only escaped, so the same card serves lists with and without a search.
"""

import re

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def mark_terms(text, terms) -> str:
    """Escape `text` and wrap every occurrence of a term (case-insensitive) in <mark>."""
    text = "" if text is None else str(text)
    terms = [t for t in (terms or ()) if t]
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [escape(text[last : m.start()]), "<mark>", escape(m.group(0)), "</mark>"]
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text is escaped above


@register.simple_tag(takes_context=True)
def highlight(context, text, length=None):
    if length:
        text = truncatechars(text, int(length))
    return mark_terms(text, context.get("search_terms"))
