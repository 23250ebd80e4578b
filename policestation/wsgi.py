import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policestation.settings")
application = get_wsgi_application()

# The web process only (not Celery, not manage.py): a database call that gets no answer
# within DB_QUERY_TIMEOUT fails, and the request answers 503.
from apps.core.dbtimeout import install  # noqa: E402

install()
