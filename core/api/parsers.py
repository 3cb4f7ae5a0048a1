"""The API's JSON parser: DRF's, with the nesting limit of ``core.jsonlimits``."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.jsonlimits import MAX_DEPTH, TooDeep, check_depth


class BoundedJSONParser(JSONParser):
    """Refuses JSON nested deeper than ``MAX_DEPTH`` with a 400: DRF's own parser lets the
    decoder's ``RecursionError`` through (a 500) from about a thousand levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            check_depth(data)
        except (RecursionError, TooDeep) as exc:
            raise ParseError(
                _("The JSON is nested deeper than %(max)s levels.") % {"max": MAX_DEPTH}
            ) from exc
        return data
