"""The booth image tier: one image built per run (Debian root and wheels cached), booted under QEMU.

Slow by nature (software emulation: no usable KVM on these machines), so it
builds once per session; run it with ``pytest tests/image`` or as part of
./scripts/test (last, when the machine can: tests/image/availability.py).
It needs root (mmdebstrap, chroot, loop devices) and the Debian tools
scripts/setup installs. ``ETAPISTE_IMAGE_WORK=build/image``
reuses a build made before with ``etapiste image build --work build/image``
(it must have been built with its root kept: ``keep_root``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from images.build import build_image
from tests.image.availability import missing

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@dataclass(frozen=True)
class Built:
    """What the tests use of a build: the disk image, its update bundle, its root (folder and squashfs)."""

    work: Path

    @property
    def image(self) -> Path:
        return self.work / "etapiste-booth.img"

    @property
    def bundle(self) -> Path:
        return self.work / "etapiste-booth.raucb"

    @property
    def root(self) -> Path:
        return self.work / "root"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/image/" in str(item.fspath):
            item.add_marker(pytest.mark.image)


@pytest.fixture(scope="session")
def booth_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if os.environ.get("ETAPISTE_TEST_IMAGE") == "0":
        pytest.skip("the image tier is left out (ETAPISTE_TEST_IMAGE=0)")
    reason = missing()
    if reason:
        pytest.skip(f"the image tier cannot run here: {reason}")
    given = os.environ.get("ETAPISTE_IMAGE_WORK")
    if given:
        return Built(Path(given).resolve())
    work = tmp_path_factory.mktemp("image")
    result = build_image(work, keep_root=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "image-build.json").write_text(json.dumps(result.summary(), indent=2))
    return Built(work)
