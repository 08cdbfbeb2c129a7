"""bench/document_legibility: an A4 page of 8 pt text, through the still path and the 720p video path, read by OCR.

The page is rendered here (DejaVu Sans 8 pt at 300 dpi, fixed text) and put
under a simulated document camera: a 3840x2160 sensor whose frame height holds
the A4 page, with a little optical blur (the hardware boundary). Then:

* **still path** (the product's): the camera's full-resolution frame through
  ``drivers.camera.encode_still`` (JPEG quality 92, what the booth uploads),
  decoded as the official's browser would;
* **video path**: the same frame scaled to 1280x720 (the call's picture),
  through aiortc's VP8 encoder and decoder (the call's codec, at aiortc's
  default bitrate, 30 frames of the still page so the encoder settles), then
  scaled back up to the still's size as the official would zoom it;
* **floor**: the rendered page itself, straight to OCR (what OCR can do at
  best; measured in the same run).

Each is read by tesseract (Debian's ``tesseract-ocr``, English model) and
compared with the text: character accuracy = 1 - edit distance / length.
Prints figures and ratios; asserts nothing.

Run: ``.venv/bin/python -m bench.document_legibility [--bitrate 500000]``.
"""

from __future__ import annotations

import argparse
import fractions
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np
from aiortc.codecs.vpx import DEFAULT_BITRATE, Vp8Decoder, Vp8Encoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame
from PIL import Image, ImageDraw, ImageFont

from drivers.camera import encode_still

DPI = 300
A4_MM = (210, 297)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SENSOR = (3840, 2160)
VIDEO = (1280, 720)
TEXT = (
    "Your tax card for 2027 is attached. The income limit is 35 000 euros and the withholding rate is 18.5 percent. "
    "If your income changes, order a new tax card in MyTax before the end of the month. Keep this letter. "
    "Questions about the decision can be sent by mail or asked at a service point. Reference 4471 0932 8805. "
    "The additional withholding rate above the limit is 38 percent. Deductions for travel to work are included. "
    "Account FI49 5000 9420 0287 30, reference 1123 4567 8901, due 15.03.2027, amount 1 284.60 euros. "
    "Earned income 41 870 euros, capital income 1 215 euros, deductions 2 340 euros, tax at source 0.00 euros. "
    "Decision 2027/118/VERO dated 12.11.2026; the appeal period ends 60 days after you received this letter. "
    "Housing loan interest 3 905.17 euros, household expenses credit 1 150 euros, union fees 412.80 euros."
)


def render_page() -> np.ndarray:
    """The A4 page at 300 dpi, black 8 pt text wrapped in a 180 mm column (grey, H x W)."""
    width, height = (round(mm / 25.4 * DPI) for mm in A4_MM)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, round(8 / 72 * DPI))
    margin, y, line = round(15 / 25.4 * DPI), round(20 / 25.4 * DPI), ""
    for word in TEXT.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) > width - 2 * margin:
            draw.text((margin, y), line, font=font, fill=0)
            y, line = y + round(font.size * 1.4), word
        else:
            line = trial
    draw.text((margin, y), line, font=font, fill=0)
    return np.asarray(page)


def camera_frame(page: np.ndarray) -> np.ndarray:
    """What the document camera's sensor sees (BGR): the page filling the frame's height, on a grey desk."""
    h, w = page.shape
    scale = SENSOR[1] / h
    scaled = cv2.resize(page, (round(w * scale), SENSOR[1]), interpolation=cv2.INTER_AREA)
    frame = np.full((SENSOR[1], SENSOR[0]), 110, np.uint8)
    x = (SENSOR[0] - scaled.shape[1]) // 2
    frame[:, x : x + scaled.shape[1]] = scaled
    frame = cv2.GaussianBlur(frame, (0, 0), 0.8)  # the lens: a little softness
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def still_path(frame: np.ndarray) -> tuple[np.ndarray, int]:
    still = encode_still(frame)
    assert still is not None
    decoded = cv2.imdecode(np.frombuffer(still.data, np.uint8), cv2.IMREAD_COLOR)
    return decoded, len(still.data)


def video_path(frame: np.ndarray, bitrate: int, frames: int = 30) -> tuple[np.ndarray, int]:
    small = cv2.resize(frame, VIDEO, interpolation=cv2.INTER_AREA)
    encoder, decoder = Vp8Encoder(), Vp8Decoder()
    encoder.target_bitrate = bitrate
    last, sent = None, 0
    for n in range(frames):
        vf = av.VideoFrame.from_ndarray(small, format="bgr24")
        vf.pts, vf.time_base = n * 3000, fractions.Fraction(1, 90000)
        payloads, timestamp = encoder.encode(vf, force_keyframe=(n == 0))
        sent += sum(len(p) for p in payloads)
        data = b"".join(vp8_depayload(p) for p in payloads)
        for out in decoder.decode(JitterFrame(data=data, timestamp=timestamp)):
            last = out.to_ndarray(format="bgr24")
    assert last is not None
    # Shown as large as the still (the official zooms the call's picture too): OCR gets the same pixels per letter.
    return cv2.resize(last, SENSOR, interpolation=cv2.INTER_CUBIC), sent


def ocr(image: np.ndarray, folder: Path, name: str) -> str:
    path = folder / f"{name}.png"
    cv2.imwrite(str(path), image)
    done = subprocess.run(["tesseract", str(path), "stdout", "-l", "eng", "--psm", "6"], capture_output=True, text=True)
    return done.stdout


def normalise(text: str) -> str:
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(read: str) -> tuple[float, int]:
    truth = normalise(TEXT)
    errors = edit_distance(normalise(read), truth)
    return max(0.0, 1 - errors / len(truth)), errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bitrate", type=int, default=DEFAULT_BITRATE, help="VP8 target bitrate (aiortc's default)")
    args = parser.parse_args(argv)
    if not shutil.which("tesseract"):
        raise SystemExit("tesseract is not installed (apt-get install tesseract-ocr; scripts/setup does)")
    page = render_page()
    frame = camera_frame(page)
    started = time.perf_counter()
    still, still_bytes = still_path(frame)
    video, video_bytes = video_path(frame, args.bitrate)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {
            "floor (rendered page)": accuracy(ocr(page, folder, "floor")),
            f"still ({still.shape[1]}x{still.shape[0]} JPEG, {still_bytes // 1024} KiB)": accuracy(
                ocr(still, folder, "still")
            ),
            f"video (1280x720 VP8 @ {args.bitrate // 1000} kbit/s, zoomed)": accuracy(ocr(video, folder, "video")),
        }
    print(f"document_legibility: 8 pt text, {len(normalise(TEXT))} characters, {time.perf_counter() - started:.1f} s")
    for name, (acc, errors) in results.items():
        print(f"  {name:<45} accuracy {acc * 100:5.1f} %   errors {errors}")
    (_, still_errors), (_, video_errors) = list(results.values())[1:]
    (floor_acc, _), (still_acc, _), (video_acc, _) = results.values()
    ratio = video_errors / max(still_errors, 1)  # 0 errors counted as 1: a ratio, not infinity
    print(f"  still / floor accuracy {still_acc / floor_acc:.3f};  video / floor accuracy {video_acc / floor_acc:.3f}")
    print(f"  video errors / still errors (at least 1): {ratio:.1f} x  (goal: still >= 98 %, >= 3 x fewer errors)")
    print(f"  (video sent {video_bytes // 1024} KiB over 30 frames)")


if __name__ == "__main__":
    main()
