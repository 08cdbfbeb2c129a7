"""The config of a booth whose devices are all simulated: the demo's booth and the end-to-end tests' booth.

One builder, so the demo and the tests run the same booth and a change to the
file format reaches both; the model validates what is built, and
``BoothFile.to_toml`` writes the file the kiosk process reads, exactly as a
technician's file would be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.config import BoothFile


def simulated_booth(
    backend_url: str,
    booth_id: str,
    secret: str,
    tuio: str,
    status_file: str,
    screenshot_dir: str = "",
    document_video: str | None = None,
    extra: dict[str, Any] | None = None,
    ca_file: str = "",
) -> BoothFile:
    """A windowed 1280x720 booth with a simulated face camera and microphone, touched over TUIO at ``tuio``.

    ``document_video``: also a document camera playing this file. ``extra``:
    more tables (e.g. a ``call_button``), validated with the rest. ``ca_file``: the
    backend's CA for a wss:// URL (the demo's and the tests' local CA).
    """
    cameras: dict[str, Any] = {"face": {"kind": "simulated"}}
    if document_video is not None:
        cameras["document"] = {"kind": "simulated", "video_file": document_video}
    return BoothFile.model_validate(
        {
            "backend": {
                "url": backend_url,
                "booth_id": booth_id,
                "secret": secret,
                **({"ca_file": ca_file} if ca_file else {}),
            },
            "display": {"fullscreen": False, "width": 1280, "height": 720},
            "touch": {"tuio": tuio},
            "cameras": cameras,
            "microphone": {"kind": "simulated"},
            "diagnostics": {"status_file": status_file, "screenshot_dir": screenshot_dir},
            **(extra or {}),
        }
    )


def write_booth_config(booth: BoothFile, path: Path, comment: str) -> Path:
    """Write ``booth`` as the TOML file at ``path`` (``comment``: who wrote it, the file's first line)."""
    path.write_text(booth.to_toml(comment), encoding="utf-8")
    return path
