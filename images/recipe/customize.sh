#!/bin/sh
# Runs inside the image's root (chroot) after the overlay is copied: users, units,
# the lockdown that is easier said as commands than as files. Idempotent.
set -eu

# The unprivileged user the kiosk runs as (a fixed uid: units name /run/user/900).
getent group kiosk >/dev/null || groupadd --system --gid 900 kiosk
getent passwd kiosk >/dev/null || useradd --system --uid 900 --gid kiosk --home-dir /home/kiosk \
    --no-create-home --shell /usr/sbin/nologin --groups video,render,input,audio,dialout,plugdev,tss kiosk
# No password anyone could type: root and kiosk are locked.
passwd -l root >/dev/null
passwd -l kiosk >/dev/null

# No shell on the screen or the serial line, no Ctrl-Alt-Del, no debug shell.
for unit in getty@.service serial-getty@.service autovt@.service console-getty.service \
            ctrl-alt-del.target debug-shell.service apt-daily.timer apt-daily-upgrade.timer \
            usbguard-dbus.service; do
    systemctl mask "$unit"
done
systemctl enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
    seatd.service nftables.service usbguard.service cups.service pcscd.socket \
    etapiste-setup.service etapiste-firewall.service etapiste-firewall.timer etapiste-kiosk.service etapiste-boot-marker.service \
    etapiste-health.service etapiste-update-stick.service
systemctl set-default multi-user.target
systemctl --global enable pipewire.socket pipewire-pulse.socket wireplumber.service >/dev/null 2>&1 || true

ln -sf /run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
echo etapiste-booth > /etc/hostname
# systemd makes a transient id on a read-only root when this file is empty.
: > /etc/machine-id
chmod 0600 /etc/usbguard/rules.conf

# polkitd reads its rules as the user polkitd (the kiosk user's reboot rule). The overlay's copy
# made the folder 0755; polkitd's tmpfiles.d wants 0700 and cannot fix it on the read-only root.
chmod 0700 /etc/polkit-1/rules.d
chmod 0644 /etc/polkit-1/rules.d/50-etapiste-kiosk-reboot.rules
