"""The booth image tier: one image built per run (Debian root and wheels cached), booted under QEMU.

Slow by nature (software emulation: no usable KVM on these machines), so it
builds once per session and every test shares that image; run it with
``pytest -m image tests/image`` or as part of ./scripts/test. It needs root
(mmdebstrap, chroot, loop devices) and the Debian tools scripts/setup installs.
``ETAPISTE_IMAGE=path/to/etapiste-booth.img`` reuses an image built before.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from images.build import TOOLS, build_image

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/image/" in str(item.fspath):
            item.add_marker(pytest.mark.image)


@pytest.fixture(scope="session")
def booth_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("ETAPISTE_IMAGE")
    if given:
        return Path(given)
    if os.geteuid() != 0:
        pytest.skip("building the booth image needs root (mmdebstrap, chroot)")
    missing = [t for t in (*TOOLS, "qemu-system-x86_64", "swtpm") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"image tools missing: {', '.join(missing)} (scripts/setup installs them)")
    work = tmp_path_factory.mktemp("image")
    result = build_image(work)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "image-build.json").write_text(__import__("json").dumps(result.summary(), indent=2))
    return result.image
