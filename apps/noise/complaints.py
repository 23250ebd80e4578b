"""What a noise complaint (噪声投诉) is, for every figure that counts them (the statistics
store in apps.stats.compute, the patrol counts in apps.patrols.stats): an incident of one of
the bureau's noise categories (their names hold 噪声: 广场舞噪声, 社会生活噪声 …) that a person
reported. An incident a sensor opened (source `sensor`, services.noise_event_to_incident)
is that sensor's noise event, counted among the noise events, not a citizen's complaint."""

from django.db.models import Q

from apps.cases.choices import IncidentSource

# How a category of the taxonomy is recognised as a noise category.
NOISE_CATEGORY_MARK = "噪声"

NOISE_COMPLAINT = Q(category__name__contains=NOISE_CATEGORY_MARK) & ~Q(source=IncidentSource.SENSOR)
