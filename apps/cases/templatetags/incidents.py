from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def saving(minutes):
    """Minutes saved against a car from the station HQ, in words that never show a
    negative saving: "saves 6.3 min" in green, or "takes 6.3 min longer" in red."""
    if minutes is None:
        return "—"
    amount = number_format(abs(float(minutes)), decimal_pos=1)
    if float(minutes) >= 0:
        return format_html(
            '<span class="text-success">{}</span>', _("saves %(min)s min") % {"min": amount}
        )
    return format_html(
        '<span class="text-danger">{}</span>', _("takes %(min)s min longer") % {"min": amount}
    )
