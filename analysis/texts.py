"""An alert in words an analyst can read out to a manager, the same on the pages and in the
API (``reading``)."""

from django.utils.translation import gettext as _

from analysis.models import Alert, AlertMethod


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".replace(".", ",")


def _chance(p_value: float) -> str:
    if p_value < 0.001:
        return _("probability under 0.1 %")
    if p_value < 0.01:
        return _("probability under 1 %")
    return _("probability about %(percent)s %%") % {"percent": _number(100 * p_value)}


def reading(alert: Alert) -> str:
    """E.g. "23 rapporter mot väntade 9 (övre gräns 16): ovanligt många, sannolikhet under
    1 %"; "för lite data" where the cell could not be judged."""
    if alert.method == AlertMethod.TOO_LITTLE_DATA or alert.expected is None:
        return _("too little data")
    if alert.sustained:
        figures = _(
            "%(observed)s reports in four weeks against an expected %(expected)s "
            "(upper bound %(upper)s)"
        ) % {
            "observed": alert.observed_4w,
            "expected": _number(alert.expected_4w),
            "upper": _number(alert.upper_4w),
        }
    else:
        figures = _(
            "%(observed)s reports against an expected %(expected)s (upper bound %(upper)s)"
        ) % {
            "observed": alert.observed,
            "expected": _number(alert.expected),
            "upper": _number(alert.upper),
        }
    verdict = _("unusually many") if alert.alarm else _("within what is expected")
    sentence = f"{figures}: {verdict}, {_chance(alert.p_value)}"
    if alert.method == AlertMethod.FALLBACK:
        sentence += " " + _(
            "(compared with the preceding 12 weeks only: less than two years of history)"
        )
    return sentence
