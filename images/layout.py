"""The booth disk's layout: one definition read by the build, the boot entries, flashing and updates.

ESP | root-a | root-b | data. Every booth image has the same partition UUIDs
(identical booths), so a boot entry can name its root by PARTUUID and an
update knows the other slot without probing. Root slots are read-only
squashfs; the data partition is mounted at /var.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ESP_SIZE_MIB = 256


@dataclass(frozen=True)
class Slot:
    """A root slot: its partition's label and UUID, and its systemd-boot entry."""

    name: str
    uuid: str

    @property
    def label(self) -> str:
        return f"root-{self.name}"

    @property
    def entry_file(self) -> str:
        """The entry as the build writes it: A good, B bad (+0 tries left: empty until the first update)."""
        return f"etapiste-{self.name}.conf" if self.name == "a" else f"etapiste-{self.name}+0.conf"

    @property
    def first_version(self) -> int:
        """systemd-boot boots the highest ``version`` among entries with tries left: A at first."""
        return 1 if self.name == "a" else 0


SLOTS = (
    Slot("a", "7a1c3e2d-5b1f-4c8e-9a6d-0e1f2a3b4c5a"),
    Slot("b", "7a1c3e2d-5b1f-4c8e-9a6d-0e1f2a3b4c5b"),
)


def kernel_cmdline(slot: Slot) -> str:
    """The kernel's options for a slot.

    ``rauc.slot`` tells RAUC (and the health check) which slot is running.
    The last ``console=`` is /dev/console: the serial line, where a technician's
    cable and the boot test read the boot; the screen (tty1) gets nothing but
    the kiosk. ``systemd.firstboot=off``: nobody is there to answer questions.
    """
    return (
        f"root=PARTUUID={slot.uuid} ro rootfstype=squashfs rauc.slot={slot.name} "
        "console=tty1 console=ttyS0,115200 loglevel=4 vt.global_cursor_default=0 "
        "systemd.firstboot=off systemd.show_status=error panic=10"
    )


@dataclass(frozen=True)
class DiskLayout:
    """Sizes (MiB) of the partitions; the disk is their sum and a little GPT."""

    esp_size_mib: int = ESP_SIZE_MIB
    root_size_mib: int = 1024
    data_size_mib: int = 512
    #: systemd-repart derives the disk's own GUID from this: the same for every image.
    seed: str = "5f0d6c3e-8a41-4b0b-9d4f-2f6f1c0e7e11"

    @property
    def size_mib(self) -> int:
        return self.esp_size_mib + 2 * self.root_size_mib + self.data_size_mib + 2

    def repart_definitions(self, parts: dict[str, Path]) -> list[str]:
        """systemd-repart files, in disk order; ``parts`` names the files copied in as blocks."""
        a, b = SLOTS

        def fixed(mib: int) -> str:
            return f"SizeMinBytes={mib}M\nSizeMaxBytes={mib}M\n"

        return [
            f"[Partition]\nType=esp\nLabel=esp\nCopyBlocks={parts['esp']}\n" + fixed(self.esp_size_mib),
            f"[Partition]\nType=root-x86-64\nLabel={a.label}\nUUID={a.uuid}\nCopyBlocks={parts['root']}\n"
            + fixed(self.root_size_mib),
            f"[Partition]\nType=root-x86-64\nLabel={b.label}\nUUID={b.uuid}\n" + fixed(self.root_size_mib),
            f"[Partition]\nType=linux-generic\nLabel=data\nCopyBlocks={parts['data']}\n" + fixed(self.data_size_mib),
        ]


DISK = DiskLayout()
