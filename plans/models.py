"""Problems, cause analyses, action plans, measures and follow-ups: see issue #4."""
