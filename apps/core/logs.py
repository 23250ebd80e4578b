"""Logs without personal data (settings.LOGGING puts this filter on every handler).

Code logs no personal data in the first place (names of records, masked phones, error
codes; tests/conftest.py fails any test whose records hold some). What code does not write
itself is masked here before it is written: a library's exception text, such as
PostgreSQL's "Key (id_number)=(…) already exists" in a 500's traceback, a path that a
client typed an ID number into, a citizen's account name (their phone) in django-axes'
lockout lines.
"""

import logging

from django.db import InterfaceError, OperationalError

from .masking import redact


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class OutageInOneLine(logging.Filter):
    """A database that cannot be reached, logged as one line at WARNING instead of a
    traceback (settings.LOGGING puts this filter on celery beat's loggers and Celery's
    task log): while PostgreSQL is down, django-celery-beat's DatabaseScheduler logs
    "Database gave error" with its traceback every 5 s; the line still says which error."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (OperationalError, InterfaceError)):
            message = " ".join(record.getMessage().split())
            if type(exc).__name__ not in message:
                message = f"{message} ({type(exc).__name__}: {' '.join(str(exc).split())})"
            record.msg, record.args = message, None
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
