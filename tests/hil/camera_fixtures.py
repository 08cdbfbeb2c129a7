"""Stand-ins for camera hardware: a fake sysfs + /dev tree, and video files as devices.

There are no V4L2 devices or kernel modules on these machines, so the
kernel's view of USB cameras is rebuilt in a tmp dir exactly as a booth has
it: ``sys/devices/.../1-2`` (the USB device, with ``idVendor``, ``idProduct``,
``serial``), its interface ``1-2:1.0`` holding ``video4linux/videoN`` (with
``index``: 0 capture, 1 metadata), ``sys/class/video4linux/videoN`` links to
those, ``videoN/device`` links to the interface, and ``dev/v4l/by-id`` links
to ``dev/videoN``. The ``dev/videoN`` "nodes" are video files, so OpenCV
opens them through the same ``VideoCapture`` call it uses for a camera.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class FakeUsbCamera:
    vendor: str
    product: str
    serial: str
    port: str  # USB port path, e.g. "1-2"
    model: str = "HD_Webcam"

    @property
    def by_id(self) -> str:
        return f"usb-Vendor_{self.model}_{self.serial}-video-index0"


class FakeV4L2:
    """A sysfs root and a /dev root in ``base``; ``boot()`` enumerates cameras in a given order."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.sys, self.dev = base / "sys", base / "dev"

    def boot(self, cameras: list[FakeUsbCamera], node_sources: dict[str, Path] | None = None) -> dict[str, str]:
        """Enumerate ``cameras`` in this order (two nodes each: capture, metadata).

        Returns ``{serial: "videoN"}`` of the capture nodes. ``node_sources``
        maps a serial to a video file copied to its capture node, so opening
        the node shows that camera's picture.
        """
        for root in (self.sys, self.dev):
            if root.exists():
                shutil.rmtree(root)
        (self.sys / "class" / "video4linux").mkdir(parents=True)
        (self.dev / "v4l" / "by-id").mkdir(parents=True)
        (self.dev / "v4l" / "by-path").mkdir(parents=True)
        capture: dict[str, str] = {}
        n = 0
        for cam in cameras:
            usb = self.sys / "devices" / "pci0000:00" / "0000:00:14.0" / "usb1" / cam.port
            usb.mkdir(parents=True)
            (usb / "idVendor").write_text(cam.vendor + "\n")
            (usb / "idProduct").write_text(cam.product + "\n")
            if cam.serial:
                (usb / "serial").write_text(cam.serial + "\n")
            interface = usb / f"{cam.port}:1.0"
            for index in (0, 1):
                name = f"video{n}"
                node_dir = interface / "video4linux" / name
                node_dir.mkdir(parents=True)
                (node_dir / "index").write_text(f"{index}\n")
                (node_dir / "name").write_text(f"{cam.model}\n")
                os.symlink(os.path.relpath(interface, node_dir), node_dir / "device")
                os.symlink(
                    os.path.relpath(node_dir, self.sys / "class" / "video4linux"),
                    self.sys / "class" / "video4linux" / name,
                )
                node = self.dev / name
                source = (node_sources or {}).get(cam.serial)
                if index == 0 and source is not None:
                    shutil.copyfile(source, node)
                else:
                    node.write_bytes(b"")
                if index == 0:
                    capture[cam.serial] = name
                    by_id = self.dev / "v4l" / "by-id" / cam.by_id
                    by_id.unlink(missing_ok=True)  # twins without a serial share one by-id name: udev keeps one
                    os.symlink(f"../../{name}", by_id)
                    os.symlink(
                        f"../../{name}",
                        self.dev / "v4l" / "by-path" / f"pci-0000:00:14.0-usb-0:{cam.port[2:]}:1.0-video-index0",
                    )
                n += 1
        return capture

    def unplug(self, cam: FakeUsbCamera, node: str) -> None:
        """The kernel removes the node, the sysfs entries and the udev link."""
        (self.dev / node).unlink()
        (self.dev / "v4l" / "by-id" / cam.by_id).unlink()
        (self.sys / "class" / "video4linux" / node).unlink()


def write_clip(path: Path, frames: list[np.ndarray], fps: int = 30) -> Path:
    """An MJPG AVI of ``frames`` (all the same size): what a UVC camera sends, as a file."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def solid(width: int, height: int, bgr: tuple[int, int, int], n: int = 0) -> np.ndarray:
    """A flat-coloured frame with a small moving marker, so a played clip is not "frozen"."""
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = bgr
    x = (n * 5) % max(1, width - 8)
    frame[4:12, x : x + 8] = (255 - bgr[0], 255 - bgr[1], 255 - bgr[2])
    return frame
