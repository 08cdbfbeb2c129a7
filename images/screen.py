"""Recognising the booth's Start screen in a picture of its display (QEMU's screendump, a camera, a photo).

The Start screen is the kiosk's deep-blue background with the green Start
button across the middle, around 40 % from the top, and the blue booking
button below it (kiosk/screens/attract.py, the colours in
kiosk/screens/common.py). No other booth screen has that green there: the
offline screen, a blank or a console does not pass. Colours are compared
with a tolerance: the compositor's pixman renderer and the display's depth
may round them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

#: kiosk.screens.common.ACCENT and BACKGROUND and attract.BOOKING_COLOUR, as 8-bit RGB.
START_GREEN = (0, 140, 89)
BACKGROUND = (18, 51, 84)
BOOKING_BLUE = (38, 107, 166)
TOLERANCE = 12


@dataclass(frozen=True)
class ScreenReading:
    """Shares of a band's pixels in each colour: what a failed check prints."""

    start_green: float
    background: float
    booking_blue: float

    @property
    def is_start_screen(self) -> bool:
        return self.start_green > 0.5 and self.background > 0.3 and self.booking_blue > 0.3


def _share(image: Image.Image, box: tuple[float, float, float, float], colour: tuple[int, int, int]) -> float:
    w, h = image.size
    region = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))).convert("RGB")
    pixels = list(region.getdata())
    close = sum(1 for p in pixels if all(abs(a - b) <= TOLERANCE for a, b in zip(p, colour, strict=True)))
    return close / max(1, len(pixels))


def read_screen(png: Path) -> ScreenReading:
    """Where the Start button, the background and the booking button are on the Start screen."""
    with Image.open(png) as image:
        return ScreenReading(
            start_green=_share(image, (0.3, 0.32, 0.7, 0.46), START_GREEN),
            background=_share(image, (0.0, 0.0, 0.1, 1.0), BACKGROUND),
            booking_blue=_share(image, (0.35, 0.57, 0.65, 0.63), BOOKING_BLUE),
        )
