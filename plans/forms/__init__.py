"""Forms of the plans pages. They check shape only; the rules live in ``plans.services``."""
