from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    """What the counts mean (issue #12): trend alerts, hotspots and the measured effect of a
    measure, each computed from the rollups and shown only as its viewer may read them."""

    name = "analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        # incidents imports no app above it: the lägesbild's drafter is handed to it here.
        from analysis.draft.sections import situation_draft
        from incidents.selectors.situation_basis import register_situation_drafter

        register_situation_drafter(situation_draft)
