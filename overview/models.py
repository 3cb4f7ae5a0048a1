"""Citywide rollups read by the dashboards: see issue #5."""
