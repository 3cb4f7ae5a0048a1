"""What an import did, counted so that the parts add up to what was read."""

from collections import Counter
from dataclasses import dataclass, field

# Problems kept for display; the counts stay complete however many there are.
MAX_PROBLEMS_KEPT = 500


@dataclass
class ImportSummary:
    """Every record read ends in exactly one of imported, updated, unchanged or a skip reason.

    ``problems`` lists records that could not be used, each as
    ``{"line" or "record": n, "external_id": str, "problems": [{"code", "params"}]}``,
    so that the page can name the reasons in the reader's language.
    """

    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    # Notes that do not take part in the sum.
    unknown_types: Counter = field(default_factory=Counter)
    unplaced: int = 0
    masked_identity_numbers: int = 0
    problems: list[dict] = field(default_factory=list)

    @property
    def accounted(self) -> int:
        return self.imported + self.updated + self.unchanged + sum(self.skipped.values())

    def adds_up(self) -> bool:
        return self.accounted == self.read

    def note_problem(self, entry: dict) -> None:
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(entry)

    def as_counts(self) -> dict:
        """The JSON kept in ``ImportRun.counts`` and in the audit entry."""
        return {
            "read": self.read,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(sorted(self.skipped.items())),
            "unknown_types": dict(self.unknown_types.most_common()),
            "unplaced": self.unplaced,
            "masked_identity_numbers": self.masked_identity_numbers,
        }

    def lines(self) -> list[str]:
        """The summary for a terminal (the command line is for operators, in English)."""
        out = [
            f"read {self.read}: imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, skipped {sum(self.skipped.values())}"
        ]
        for reason, count in sorted(self.skipped.items()):
            out.append(f"  skipped, {reason}: {count}")
        if self.unknown_types:
            listed = ", ".join(f"{name} ({n})" for name, n in self.unknown_types.most_common())
            out.append(f"  unknown event types, filed as 'ovrigt-annat': {listed}")
        if self.unplaced:
            out.append(f"  not placed in a district (no known place in the text): {self.unplaced}")
        if self.masked_identity_numbers:
            out.append(f"  identity numbers masked: {self.masked_identity_numbers}")
        return out
