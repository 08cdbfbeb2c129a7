"""Booth devices: one small interface per class, real implementations, simulators."""
