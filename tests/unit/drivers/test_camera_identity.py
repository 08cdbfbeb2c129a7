"""Cameras are found by what they are, in a sysfs + /dev tree built in tmp (the hardware stand-in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.camera_identity import CameraIdentityError, CameraNotFound, CameraResolver, parse_identity
from tests.hil.camera_fixtures import FakeUsbCamera, FakeV4L2

FACE = FakeUsbCamera("046d", "085b", "A1B2C3", "1-2", "C925e")
DOCUMENT = FakeUsbCamera("046d", "0825", "ABC", "1-3", "C270")


@pytest.fixture
def v4l(tmp_path: Path) -> FakeV4L2:
    return FakeV4L2(tmp_path)


def resolver(v4l: FakeV4L2) -> CameraResolver:
    return CameraResolver(sysfs_root=v4l.sys, dev_root=v4l.dev)


@pytest.mark.parametrize(
    "face_id, document_id",
    [
        ("usb:046d:085b", "usb:046d:0825"),
        ("usb:046d:085b:A1B2C3", "usb:046D:0825:ABC"),
        (f"/dev/v4l/by-id/{FACE.by_id}", f"/dev/v4l/by-id/{DOCUMENT.by_id}"),
        (
            "/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0",
            "/dev/v4l/by-path/pci-0000:00:14.0-usb-0:3:1.0-video-index0",
        ),
    ],
)
def test_roles_do_not_swap_when_the_kernel_lists_cameras_in_another_order(
    v4l: FakeV4L2, face_id: str, document_id: str
):
    face, document = parse_identity(face_id), parse_identity(document_id)
    first = v4l.boot([FACE, DOCUMENT])
    assert first == {"A1B2C3": "video0", "ABC": "video2"}
    assert resolver(v4l).resolve(face) == str(v4l.dev / "video0")
    assert resolver(v4l).resolve(document) == str(v4l.dev / "video2")

    second = v4l.boot([DOCUMENT, FACE])  # the next boot: the document camera came up first
    assert second == {"ABC": "video0", "A1B2C3": "video2"}
    assert resolver(v4l).resolve(face) == str(v4l.dev / "video2")
    assert resolver(v4l).resolve(document) == str(v4l.dev / "video0")


def test_only_the_capture_node_is_chosen_not_the_metadata_node(v4l: FakeV4L2):
    v4l.boot([DOCUMENT])
    assert resolver(v4l).capture_nodes() == {"video0": ("046d", "0825", "ABC")}


def test_a_camera_that_is_not_connected_is_named_in_the_error(v4l: FakeV4L2):
    v4l.boot([FACE])
    with pytest.raises(CameraNotFound, match="document camera usb 046d:0825 serial ABC not found"):
        resolver(v4l).resolve(parse_identity("usb:046d:0825:ABC"), "document_camera")
    with pytest.raises(CameraNotFound, match=f"face camera /dev/v4l/by-id/{DOCUMENT.by_id} not found"):
        resolver(v4l).resolve(parse_identity(f"/dev/v4l/by-id/{DOCUMENT.by_id}"), "face_camera")


def test_a_serial_that_does_not_match_is_not_found(v4l: FakeV4L2):
    v4l.boot([DOCUMENT])
    with pytest.raises(CameraNotFound):
        resolver(v4l).resolve(parse_identity("usb:046d:0825:OTHER"), "document_camera")


def test_two_identical_cameras_without_a_serial_are_an_error_not_a_guess(v4l: FakeV4L2):
    twin = FakeUsbCamera("046d", "0825", "", "1-4", "C270")
    v4l.boot([FakeUsbCamera("046d", "0825", "", "1-3", "C270"), twin])
    with pytest.raises(CameraIdentityError, match=r"matches 2 cameras \(video0, video2\).*by-path"):
        resolver(v4l).resolve(parse_identity("usb:046d:0825"), "document_camera")


def test_an_empty_machine_has_no_cameras(tmp_path: Path):
    assert CameraResolver(tmp_path / "sys", tmp_path / "dev").capture_nodes() == {}


@pytest.mark.parametrize("text", ["/dev/video0", "0", "usb:46d:825", "usb:046d", "/dev/v4l/video0", ""])
def test_enumeration_order_and_malformed_identities_are_refused_naming_the_key(text: str):
    with pytest.raises(CameraIdentityError, match=r"^cameras\.document\.device: .*usb:VENDOR:PRODUCT"):
        parse_identity(text, "cameras.document.device")


def test_video_n_is_refused_with_the_reason():
    with pytest.raises(CameraIdentityError, match="changes order between boots"):
        parse_identity("/dev/video0", "cameras.face.device")
