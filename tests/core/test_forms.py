"""QuickSelect (apps/core/forms.py) draws the same select as Django's template does."""

import re

import pytest
from django import forms

from apps.core.forms import QuickSelect, style_field
from apps.core.testing.factories import PostFactory, StationFactory
from apps.stations.models import Post


def same_html(html: str) -> str:
    """Django's template puts a line break and indentation before each option."""
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [
    ("", "---------"),
    ("a", "甲 <b>&"),
    ("b", 'Say "b"'),
    ("区", [("c", "丙"), ("d", "丁")]),
    (None, "none"),
]


@pytest.mark.parametrize("value", [None, "", "a", "c", ["b", "d"], "x"])
@pytest.mark.parametrize("attrs", [None, {"class": "form-select", "required": True, "id": "i"}])
def test_quick_select_draws_what_django_draws(value, attrs):
    django = forms.Select(choices=CHOICES, attrs={"data-x": '1"2'})
    quick = QuickSelect(choices=CHOICES, attrs={"data-x": '1"2'})
    assert same_html(quick.render("f", value, attrs)) == same_html(django.render("f", value, attrs))


@pytest.mark.django_db
def test_a_model_choice_field_is_drawn_quickly_and_the_same():
    station = StationFactory()
    chosen = PostFactory(station=station, name="园区<站>")
    PostFactory(station=station, name="大石堡")
    field = forms.ModelChoiceField(queryset=Post.objects.filter(station=station), required=False)
    expected = field.widget.render("post", chosen.pk, {"class": "form-select"})
    style_field(field)
    assert type(field.widget) is QuickSelect
    drawn = field.widget.render("post", chosen.pk, {})
    assert same_html(drawn) == same_html(expected)
    assert f'<option value="{chosen.pk}" selected>园区&lt;站&gt;</option>' in drawn
