"""First-generation ID numbers (15 digits) become the 18 they are (GB 11643-1999): on import
and on every look-up, so an old paper record finds the person registered today."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.testing.personas import XIPENG_DESK
from apps.registry.models import ImportBatch, Person

from .factories import PersonFactory
from .test_imports import HEADER, leader, upload  # noqa: F401 (the fixture)

# The standard's example, 11010519491231002X, as it was before 1999.
OLD, NEW = "110105491231002", "11010519491231002X"


def test_an_imported_15_digit_number_is_stored_as_18(
    leader,  # noqa: F811
    org,
    django_capture_on_commit_callbacks,
):
    file = SimpleUploadedFile(
        "old.csv", (HEADER + f"李老,{OLD},女,,常住\n").encode(), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(leader, file)
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(reverse("registry:import_commit", args=[batch.pk]))
    person = Person.objects.get()
    assert (person.id_number, person.birth_date.year, person.gender) == (NEW, 1949, "female")


def test_a_look_up_by_the_15_digit_number_finds_the_person(client, org):
    person = PersonFactory(station=org.xipeng, id_number=NEW, gender="", birth_date=None)
    client.force_login(org.user(XIPENG_DESK))
    found = client.post(
        reverse("person-lookup"), {"id_number": OLD}, content_type="application/json"
    )
    assert found.status_code == 200 and found.json()["id"] == person.pk
    listed = client.get(reverse("person-list"), {"q": OLD})
    assert [row["id"] for row in listed.json()["results"]] == [person.pk]
