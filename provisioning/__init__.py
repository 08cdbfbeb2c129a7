"""Enrollment and fleet tools (not built yet; see README.md)."""
