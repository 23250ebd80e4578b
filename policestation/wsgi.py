import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policestation.settings")
# A database call that gets no answer within DB_QUERY_TIMEOUT fails and the request
# answers 503; requests only (not Celery, not manage.py).
from apps.core.dbtimeout import bounded

application = bounded(get_wsgi_application())
