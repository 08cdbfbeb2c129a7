"""Every table of the backend, imported in one place.

Models live next to the code that owns them (``backend.store.models``,
``backend.notify.outbox``, ...); importing this module registers all of them
on ``Base.metadata``, which the migration environment and the schema test
compare against the migrations.
"""

from backend.notify import outbox  # noqa: F401
from backend.store import (  # noqa: F401
    admin_models,
    alert_models,
    appointment_models,
    booking_models,
    booth_software_models,
    call_quality_models,
    call_service_models,
    enrollment_models,
    guest_models,
    live_models,
    models,
    organisation_models,
    push_models,
    screen_text_models,
)
from backend.store.models import Base

metadata = Base.metadata
