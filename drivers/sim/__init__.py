"""Simulated devices: stand-ins at the hardware boundary for demos and tests."""
