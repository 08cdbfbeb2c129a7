"""What the test tiers share: stand-ins started by fixtures (PostgreSQL, the SMS gateway),
waiting for states, seeded bookings, and a real backend app driven in-process."""
