"""A small test network of Linux network namespaces: the booth in one, the browser in another,
the backend and coturn between them.

::

    [ns booth  10.203.0.2] --veth--+
                                   +-- bridge 10.203.0.1 (this namespace: backend, coturn, the tests)
    [ns browser 10.203.0.3] --veth-+

The bridge lives in the namespace the tests run in, so the backend and coturn
listen on its address and the tests reach them as any local address; the
booth and the browser reach each other only across the bridge (their direct
path) or through coturn. What the network does to each end is set inside that
end's namespace: UDP blocked (nftables), the link cut (nftables drops
everything), a slow lossy line (``tc tbf`` on both directions of its veth and
nftables ``numgen random`` loss). Needs root, iproute2 and nftables (CI runs
as root; scripts/setup installs both). Names carry the test process's id, so
each run cleans up only what it made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HUB = "10.203.0.1"
PREFIX = 24
SUBNET = f"10.203.0.0/{PREFIX}"


def run(*argv: str, stdin: str | None = None) -> None:
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip() or done.stdout.strip()}")


def usable() -> str | None:
    """Why namespaces cannot be made here, or None when they can."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "nft", "tc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (./scripts/setup installs iproute2 and nftables)"
    return None


@dataclass
class Side:
    """One end's namespace (``ns``), its address, and its veth inside (``dev``) and on the bridge (``peer``)."""

    ns: str
    address: str
    dev: str
    peer: str

    def nft(self, script: str) -> None:
        run("ip", "netns", "exec", self.ns, "nft", "-f", "-", stdin=script)

    def _drop_table(self, name: str) -> None:
        subprocess.run(["ip", "netns", "exec", self.ns, "nft", "delete", "table", "inet", name], capture_output=True)

    def block_udp(self) -> None:
        """No UDP leaves this end (its own loopback excepted): only TCP and TLS get out."""
        self.nft(
            "table inet etp_noudp {\n"
            "  chain out { type filter hook output priority 0; policy accept;\n"
            '    oifname "lo" accept\n'
            "    meta l4proto udp drop\n"
            "  }\n"
            "}\n"
        )

    def allow_udp(self) -> None:
        self._drop_table("etp_noudp")

    def cut(self) -> None:
        """The line is cut: nothing in or out (loopback goes on)."""
        self.nft(
            "table inet etp_cut {\n"
            '  chain in { type filter hook input priority -10; policy drop; iifname "lo" accept; }\n'
            '  chain out { type filter hook output priority -10; policy drop; oifname "lo" accept; }\n'
            "}\n"
        )

    def mend(self) -> None:
        self._drop_table("etp_cut")

    def slow_line(self, kbit: int, loss_percent: int) -> None:
        """``kbit`` each way (``tc tbf``) and ``loss_percent`` of packets lost at random each way (nftables)."""
        burst = max(1600, kbit * 1000 // 8 // 10)  # 100 ms of the rate, at least a full packet
        tbf = ["tbf", "rate", f"{kbit}kbit", "burst", str(burst), "latency", "300ms"]
        run("ip", "netns", "exec", self.ns, "tc", "qdisc", "replace", "dev", self.dev, "root", *tbf)
        run("tc", "qdisc", "replace", "dev", self.peer, "root", *tbf)  # towards this end
        rule = f"meta l4proto udp numgen random mod 100 < {loss_percent} drop"
        self.nft(
            "table inet etp_loss {\n"
            f'  chain in {{ type filter hook input priority 0; policy accept; iifname "lo" accept; {rule}; }}\n'
            f'  chain out {{ type filter hook output priority 0; policy accept; oifname "lo" accept; {rule}; }}\n'
            "}\n"
        )

    def clear_line(self) -> None:
        subprocess.run(
            ["ip", "netns", "exec", self.ns, "tc", "qdisc", "del", "dev", self.dev, "root"], capture_output=True
        )
        subprocess.run(["tc", "qdisc", "del", "dev", self.peer, "root"], capture_output=True)
        self._drop_table("etp_loss")

    def reset(self) -> None:
        """Back to a clean line between cases."""
        self.allow_udp()
        self.mend()
        self.clear_line()


@dataclass
class LabNet:
    bridge: str
    booth: Side
    browser: Side

    @property
    def sides(self) -> tuple[Side, Side]:
        return self.booth, self.browser

    def chromium_wrapper(self, folder: Path, chromium: str) -> Path:
        """An executable that runs ``chromium`` inside the browser's namespace, for Playwright's
        ``executable_path`` (Playwright talks to it over pipes, which cross namespaces)."""
        path = folder / "chromium-in-netns"
        path.write_text(f'#!/bin/sh\nexec ip netns exec {self.browser.ns} {chromium} "$@"\n', encoding="utf-8")
        path.chmod(0o755)
        return path


@contextmanager
def lab_network() -> Iterator[LabNet]:
    """Make the bridge and both namespaces; remove everything made, whatever happens."""
    tag = f"{os.getpid() % 100000}"
    bridge = f"etpbr{tag}"
    net = LabNet(
        bridge,
        Side(f"etp-booth-{tag}", "10.203.0.2", "eth0", f"etpb{tag}"),
        Side(f"etp-browser-{tag}", "10.203.0.3", "eth0", f"etpw{tag}"),
    )
    made: list[list[str]] = []
    try:
        run("ip", "link", "add", bridge, "type", "bridge")
        made.append(["ip", "link", "del", bridge])
        run("ip", "addr", "add", f"{HUB}/{PREFIX}", "dev", bridge)
        run("ip", "link", "set", bridge, "up")
        for side in net.sides:
            run("ip", "netns", "add", side.ns)
            made.append(["ip", "netns", "del", side.ns])
            run("ip", "link", "add", side.peer, "type", "veth", "peer", "name", side.dev, "netns", side.ns)
            made.append(["ip", "link", "del", side.peer])
            run("ip", "link", "set", side.peer, "master", bridge)
            run("ip", "link", "set", side.peer, "up")
            run("ip", "-n", side.ns, "addr", "add", f"{side.address}/{PREFIX}", "dev", side.dev)
            run("ip", "-n", side.ns, "link", "set", side.dev, "up")
            run("ip", "-n", side.ns, "link", "set", "lo", "up")
        yield net
    finally:
        for argv in reversed(made):
            subprocess.run(argv, capture_output=True)
