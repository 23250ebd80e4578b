"""The API's JSON parser: DRF's, with a body nested too deeply refused as a parse error (400)
instead of the RecursionError the json module raises (a 500)."""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers

from .errors import BodyRefused


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise BodyRefused(_("The JSON body is nested too deeply.")) from exc
