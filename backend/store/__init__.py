"""Storage: SQLAlchemy models, Alembic migrations, queries."""
