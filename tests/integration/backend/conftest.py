"""The integration tier boots the whole backend app (HTTP API, hub, store) in-process."""

from tests.support.backend_app import client  # noqa: F401 - a real backend app on a temporary SQLite file
from tests.support.sms_gateway import gateway  # noqa: F401 - the SMS operator's stand-in
