"""Writes in the incidents app, one module per entity: reports, imports, situation pictures."""
