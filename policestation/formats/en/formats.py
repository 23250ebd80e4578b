"""The English interface writes dates and times as the Chinese one does (see zh_Hans)."""

from policestation.formats.zh_Hans.formats import *  # noqa: F403
