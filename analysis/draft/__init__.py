"""The lägesbild that drafts itself (issue #12 item 4): the sections a new situation picture is
pre-filled with, compiled here at the top of the stack (they read the rollups, the plans and
the analysis) and handed to incidents through ``register_situation_drafter``."""
