"""The Start-screen check passes the kiosk's Start screen and nothing else the booth shows."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from images.screen import BACKGROUND, BOOKING_BLUE, START_GREEN, read_screen


def picture(tmp_path: Path, name: str, start: bool, booking: bool = True) -> Path:
    """A 1024x768 booth screen drawn as the attract screen lays it out (kiosk/screens/attract.py)."""
    image = Image.new("RGB", (1024, 768), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if start:
        draw.rectangle((154, 230, 870, 370), fill=START_GREEN)
        draw.text((480, 290), "Aloita · Börja · Start", fill=(255, 255, 255))
    if booking:
        draw.rectangle((226, 420, 798, 500), fill=BOOKING_BLUE)
    path = tmp_path / f"{name}.png"
    image.save(path)
    return path


def test_the_start_screen_passes(tmp_path):
    assert read_screen(picture(tmp_path, "attract", start=True)).is_start_screen


def test_the_offline_screen_a_blank_screen_and_a_half_drawn_one_do_not(tmp_path):
    assert not read_screen(picture(tmp_path, "offline", start=False, booking=False)).is_start_screen
    assert not read_screen(picture(tmp_path, "half", start=True, booking=False)).is_start_screen
    black = tmp_path / "black.png"
    Image.new("RGB", (800, 600)).save(black)
    assert not read_screen(black).is_start_screen
