"""Logs without personal data (settings.LOGGING puts this filter on every handler).

Code logs no personal data in the first place (names of records, masked phones, error
codes; tests/conftest.py fails any test whose records hold some). What code does not write
itself is masked here before it is written: a library's exception text, such as
PostgreSQL's "Key (id_number)=(…) already exists" in a 500's traceback, a path that a
client typed an ID number into, a citizen's account name (their phone) in django-axes'
lockout lines.
"""

import logging

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
