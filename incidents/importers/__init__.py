"""Readers for the files Trygg imports: the Police's public events feed and partners' CSV.

An importer turns a file into report rows and counts what it did; it does not know about
``ImportRun``, permissions or Celery. ``incidents.services.imports`` wires them together.
"""
