from django import template

register = template.Library()


@register.filter
def figure(value):
    """A figure as the tables show it: "—" when there is none, whole numbers without a
    decimal point, others to one decimal."""
    if value is None:
        return "—"
    if isinstance(value, float):
        value = round(value, 1)  # first: 1804.04 is "1804", not "1804.0"
        return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
    return value


@register.filter
def signed_percent(value):
    if value is None:
        return "—"
    return f"{value:+.1f}%"


@register.filter
def zip_values(first, second):
    return zip(first, second, strict=False)
