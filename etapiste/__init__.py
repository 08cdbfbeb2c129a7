"""The ``etapiste`` command: one CLI for backend, kiosk, demo and tools."""
