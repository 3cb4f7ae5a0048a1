"""The measured effect of a measure in the API: ``GET /api/v1/measures/{id}/evaluation/``.

The same figure as the measure page (``plans.selectors.evaluation``), from the
partnership-level rollups, for callers who read the partnership records of every district of
the design's areas; everyone else who reads the measure gets 403, and tokens always do (an
API client reads no analysis figure: ``accounts.access.partnership_district_ids``).
"""

from rest_framework import serializers


class EvaluationAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EvaluationCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EvaluationPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class EvaluationDesignRevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()


class EvaluationDesignSerializer(serializers.Serializer):
    fixed_at = serializers.DateTimeField()
    fixed_by = serializers.CharField(allow_null=True, help_text="None: fixed on the start date.")
    revision = serializers.IntegerField()
    target_areas = EvaluationAreaSerializer(many=True)
    comparison_areas = EvaluationAreaSerializer(many=True)
    buffer_areas = EvaluationAreaSerializer(many=True)
    categories = EvaluationCategorySerializer(many=True, help_text="Main categories; empty: all.")
    before = EvaluationPeriodSerializer()
    after = EvaluationPeriodSerializer()
    after_counted_to = serializers.DateField(
        help_text="The last day counted: the after period's end, or yesterday."
    )
    revisions = EvaluationDesignRevisionSerializer(many=True)


class EvaluationCountsSerializer(serializers.Serializer):
    before = serializers.IntegerField()
    after = serializers.IntegerField()


class EvaluationIntervalSerializer(serializers.Serializer):
    ratio = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    change_percent = serializers.FloatField()


class EvaluationEstimateSerializer(serializers.Serializer):
    weeks_before = serializers.IntegerField()
    weeks_after = serializers.IntegerField()
    target = EvaluationCountsSerializer()
    comparison = EvaluationCountsSerializer()
    buffer = EvaluationCountsSerializer(allow_null=True)
    ratio_of_rate_ratios = EvaluationIntervalSerializer(
        allow_null=True, help_text="Target against comparison, with its 95 % interval."
    )
    buffer_rate_ratio = EvaluationIntervalSerializer(
        allow_null=True, help_text="Buffer against comparison, with its 95 % interval."
    )
    dispersion = serializers.FloatField(allow_null=True)
    weighted_displacement_quotient = serializers.FloatField(allow_null=True)
    wdq_reading = serializers.CharField(allow_null=True)


class MeasureEvaluationSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["not_started", "no_after_period", "no_areas", "too_little_data", "ok"]
    )
    reading = serializers.CharField(help_text="The estimate in plain words (Swedish by default).")
    basis = serializers.CharField(help_text="What the figures are built on.")
    design = EvaluationDesignSerializer(allow_null=True)
    estimate = EvaluationEstimateSerializer(allow_null=True)


def _interval(interval):
    if interval is None:
        return None
    return {
        "ratio": interval.ratio,
        "low": interval.low,
        "high": interval.high,
        "change_percent": interval.change_pct,
    }


def _counts(totals):
    return None if totals is None else {"before": totals.before, "after": totals.after}


def _areas(areas) -> list[dict]:
    return [{"code": a.code, "name": a.name} for a in areas]


def evaluation_payload(evaluation, basis: str) -> dict:
    """``plans.selectors.evaluation.MeasureEvaluation`` as the API's JSON."""
    design = evaluation.design
    result = evaluation.result
    return {
        "state": evaluation.state,
        "reading": evaluation.reading,
        "basis": basis,
        "design": None
        if design is None
        else {
            "fixed_at": design.fixed_at,
            "fixed_by": str(design.fixed_by) if design.fixed_by_id else None,
            "revision": design.revision,
            "target_areas": _areas(evaluation.target_areas),
            "comparison_areas": _areas(evaluation.comparison_areas),
            "buffer_areas": _areas(evaluation.buffer_areas),
            "categories": [{"code": c.code, "name": c.name} for c in evaluation.categories],
            "before": {"start": design.before_start, "end": design.before_end},
            "after": {"start": design.after_start, "end": design.after_end},
            "after_counted_to": evaluation.after_end,
            "revisions": [
                {
                    "number": r.number,
                    "reason": r.reason,
                    "created_at": r.created_at,
                    "created_by": str(r.created_by),
                }
                for r in evaluation.revisions
            ],
        },
        "estimate": None
        if result is None
        else {
            "weeks_before": result.weeks_before,
            "weeks_after": result.weeks_after,
            "target": _counts(result.target),
            "comparison": _counts(result.comparison),
            "buffer": _counts(result.buffer),
            "ratio_of_rate_ratios": _interval(result.effect),
            "buffer_rate_ratio": _interval(result.buffer_effect),
            "dispersion": result.dispersion,
            "weighted_displacement_quotient": result.wdq,
            "wdq_reading": result.wdq_reading,
        },
    }
