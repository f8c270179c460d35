"""Placements, their photo reports and the deadline rules of reports."""
