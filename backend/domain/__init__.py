"""Pure domain rules of the backend: no I/O, no clock reads."""
