"""The sections of a lägesbild's draft, in order: ``DRAFT_SECTIONS``.

Each provider takes the ``DraftContext`` (the picture, its district and period, and the
partnership reach every reader of the picture has: its district) and returns a
``DraftSection`` (title, starting text in Swedish, rows of figures linked to their sources, a
note on what they count) or None for nothing to show. The order here is the order on the page,
in the PDF and, within each narrative field, of the starting texts.

Why a provider gets the context and not the viewer: the sections are stored on the picture
and shown to all its readers, so they must not depend on who drafted or reads it (a
coordinator reads the whole city, the district's staff their district).

A provider that fails is logged and left out, and the draft names it ("could not be
compiled"), so a fault in one analysis never keeps the analysts from starting a lägesbild.
"""

import logging
from collections.abc import Callable

from django.db import transaction

from analysis.draft.context import DraftContext, draft_context
from analysis.draft.measures import plan_measures
from analysis.draft.problems import previous_problems
from analysis.draft.rates import district_rates
from analysis.draft.slots import period_alerts, period_hotspots
from incidents.selectors.situation_basis import DraftSection

logger = logging.getLogger(__name__)

Provider = Callable[[DraftContext], DraftSection | None]

DRAFT_SECTIONS: list[Provider] = [
    district_rates,
    period_alerts,
    period_hotspots,
    previous_problems,
    plan_measures,
]


def situation_draft(*, picture) -> tuple[list[DraftSection], list[str]]:
    """The drafter registered with incidents (``analysis.apps``): every section of
    ``DRAFT_SECTIONS`` for ``picture``, and the titles of those that failed."""
    context = draft_context(picture)
    sections: list[DraftSection] = []
    failed: list[str] = []
    for provider in DRAFT_SECTIONS:
        try:
            # A savepoint: a failed query must not spoil the transaction that creates the
            # picture.
            with transaction.atomic():
                section = provider(context)
        except Exception:
            logger.exception("Draft section %s failed for picture %s", provider, picture.pk)
            failed.append(str(getattr(provider, "title", provider.__name__)))
            continue
        if section is not None:
            sections.append(section)
    return sections, failed
