"""bench.image: the booth image's build time, size, boot to Start, update and rollback (see bench/README.md)."""
