"""Finding a booth camera by what it is, never by the order the kernel listed it.

In the 2026 pilot ``/dev/video0`` was the face camera on one boot and the
document camera on the next, so the citizen's face went out as a blurred
desk. A camera is therefore configured by a stable identity, one of:

* ``/dev/v4l/by-id/usb-Logitech_HD_Webcam_C525_ABC-video-index0`` — the
  symlink udev makes from the USB vendor, model and serial;
* ``/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0`` — the
  symlink for a USB port (for two identical cameras without serials);
* ``usb:046d:0825`` or ``usb:046d:0825:ABC`` — USB vendor:product[:serial],
  looked up in sysfs.

The sysfs walk: every ``/sys/class/video4linux/videoN`` links to the kernel
device; its ``device`` link points at the USB *interface*, whose parent
directory (or a further ancestor) is the USB *device* holding ``idVendor``,
``idProduct`` and ``serial``. A UVC camera makes two nodes per camera (video
capture and metadata); only ``index`` 0 is the capture node. The capture
capability is normally asked with an ioctl; ``index`` is what can be read
without opening the device (and without V4L2 on the test machines).

``sysfs_root`` and ``dev_root`` are parameters so tests build the same tree
of directories, symlinks and attribute files in a tmp dir: that tree is the
hardware-boundary stand-in, since no V4L2 devices exist on CI machines.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_USB_RE = re.compile(r"^usb:([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::(.+))?$")
_STABLE_DIRS = ("/dev/v4l/by-id/", "/dev/v4l/by-path/")


class CameraIdentityError(ValueError):
    """A camera identity that cannot be used as written (bad syntax, or matches several cameras)."""


class CameraNotFound(LookupError):
    """The configured camera is not connected (or not recognised) right now."""


@dataclass(frozen=True)
class CameraIdentity:
    """A parsed camera identity: either a stable ``/dev/v4l`` path or USB ids."""

    path: str = ""  # /dev/v4l/by-id/... or /dev/v4l/by-path/...
    vendor: str = ""  # four lowercase hex digits
    product: str = ""
    serial: str = ""

    def describe(self) -> str:
        """How a technician recognises the camera in a message ("usb 046d:0825 serial ABC")."""
        if self.path:
            return self.path
        text = f"usb {self.vendor}:{self.product}"
        return f"{text} serial {self.serial}" if self.serial else text


def parse_identity(text: str, key: str = "device") -> CameraIdentity:
    """Parse a configured identity; the error names ``key`` and the accepted forms.

    A bare ``/dev/videoN`` is refused on purpose: that number is the
    enumeration order, which is exactly what changes between boots.
    """
    text = text.strip()
    if text.startswith(_STABLE_DIRS):
        return CameraIdentity(path=text)
    match = _USB_RE.match(text)
    if match:
        vendor, product, serial = match.groups()
        return CameraIdentity(vendor=vendor.lower(), product=product.lower(), serial=serial or "")
    hint = " (/dev/videoN changes order between boots)" if re.match(r"^/dev/video\d+$", text) else ""
    raise CameraIdentityError(
        f"{key}: {text!r} is not a stable camera identity{hint}; give /dev/v4l/by-id/..., "
        "/dev/v4l/by-path/... or usb:VENDOR:PRODUCT[:SERIAL] (e.g. usb:046d:0825:ABC)"
    )


class CameraResolver:
    """Turns identities into the device node to open *now* (it may change after a replug)."""

    def __init__(self, sysfs_root: str | os.PathLike[str] = "/sys", dev_root: str | os.PathLike[str] = "/dev") -> None:
        self.sysfs_root, self.dev_root = Path(sysfs_root), Path(dev_root)

    def resolve(self, identity: CameraIdentity, role: str = "camera") -> str:
        """The device node for ``identity``.

        Raises ``CameraNotFound`` when it is not connected and
        ``CameraIdentityError`` when USB ids match more than one camera.
        """
        label = role.replace("_", " ")
        if identity.path:
            link = self._under_dev(identity.path)
            if not os.path.exists(link):  # exists() follows the link: a dangling one is "not found"
                raise CameraNotFound(f"{label} {identity.describe()} not found: is it plugged in?")
            return os.path.realpath(link)
        matches = [node for node, ids in self.capture_nodes().items() if self._matches(identity, ids)]
        if not matches:
            raise CameraNotFound(f"{label} {identity.describe()} not found: is it plugged in?")
        if len(matches) > 1:
            raise CameraIdentityError(
                f"{label} {identity.describe()} matches {len(matches)} cameras ({', '.join(sorted(matches))}); "
                "add the serial (usb:VENDOR:PRODUCT:SERIAL) or use a /dev/v4l/by-path/ port path"
            )
        return str(self.dev_root / matches[0])

    def capture_nodes(self) -> dict[str, tuple[str, str, str]]:
        """``{"video0": (vendor, product, serial)}`` for every USB capture node (index 0) in sysfs."""
        nodes: dict[str, tuple[str, str, str]] = {}
        class_dir = self.sysfs_root / "class" / "video4linux"
        if not class_dir.is_dir():
            return nodes
        for entry in sorted(class_dir.iterdir()):
            if _read(entry / "index") != "0":
                continue  # metadata node of a UVC camera, or a second stream
            usb = _usb_device_of(entry / "device")
            if usb is not None:
                nodes[entry.name] = (
                    _read(usb / "idVendor").lower(),
                    _read(usb / "idProduct").lower(),
                    _read(usb / "serial"),
                )
        return nodes

    def _under_dev(self, path: str) -> str:
        """``/dev/v4l/...`` re-rooted under ``dev_root`` (the same path on a booth)."""
        return str(self.dev_root / os.path.relpath(path, "/dev"))

    @staticmethod
    def _matches(identity: CameraIdentity, ids: tuple[str, str, str]) -> bool:
        vendor, product, serial = ids
        if (vendor, product) != (identity.vendor, identity.product):
            return False
        return not identity.serial or serial == identity.serial


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _usb_device_of(device_link: Path) -> Path | None:
    """Walk up from a video node's ``device`` (a USB interface) to the USB device with ``idVendor``."""
    try:
        current = device_link.resolve(strict=True)
    except OSError:
        return None
    for _ in range(6):  # interface -> device is one step; a few more tolerate hubs and odd drivers
        if (current / "idVendor").is_file() and (current / "idProduct").is_file():
            return current
        if current.parent == current:
            break
        current = current.parent
    return None
