"""Fake camera and microphone inputs for Chromium, as files it can play.

Chromium's ``--use-file-for-fake-video-capture`` takes a Y4M file and
``--use-file-for-fake-audio-capture`` a WAV file. The picture is chosen to be
unmistakable on the booth's screen: top half magenta, bottom half yellow,
with a dark bar that moves so that frames differ.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

MAGENTA = (255, 0, 255)
YELLOW = (255, 255, 0)


def _yuv(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """BT.601 full-range RGB -> YCbCr (the 'C420jpeg' colour space)."""
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    v = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return tuple(round(min(255, max(0, c))) for c in (y, u, v))  # type: ignore[return-value]


def write_y4m(path: Path, width: int = 640, height: int = 480, frames: int = 30) -> Path:
    top, bottom = _yuv(MAGENTA), _yuv(YELLOW)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode())
        for n in range(frames):
            y = np.empty((height, width), np.uint8)
            u = np.empty((height // 2, width // 2), np.uint8)
            v = np.empty((height // 2, width // 2), np.uint8)
            y[: height // 2], y[height // 2 :] = top[0], bottom[0]
            u[: height // 4], u[height // 4 :] = top[1], bottom[1]
            v[: height // 4], v[height // 4 :] = top[2], bottom[2]
            x = (n * width // frames) % width
            y[:, x : x + 16] = 16  # the moving bar
            f.write(b"FRAME\n" + y.tobytes() + u.tobytes() + v.tobytes())
    return path


def write_tone_wav(path: Path, frequency: float = 660.0, seconds: float = 2.0, rate: int = 48_000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * frequency * t) * 0.4 * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def write_document_video(path: Path, width: int = 640, height: int = 480, frames: int = 10) -> Path:
    """A 'document' for the booth's document camera: a white page with dark text lines."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (width, height))
    for n in range(frames):
        page = np.full((height, width, 3), 250, np.uint8)
        for row in range(60, height - 40, 36):
            page[row : row + 10, 60 : width - 60 - (row * 7 + n) % 120] = 30
        writer.write(page)
    writer.release()
    return path


def write_qr_video(path: Path, payload: str, width: int = 640, height: int = 480, frames: int = 10) -> Path:
    """A printed booking confirmation under the document camera: its QR code on a white page."""
    import cv2

    code = cv2.QRCodeEncoder.create().encode(payload)  # 1 px per module, black on white
    side = min(width, height) * 2 // 3
    big = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (width, height))
    for _ in range(frames):
        page = np.full((height, width, 3), 250, np.uint8)
        top, left = (height - side) // 2, (width - side) // 2
        page[top : top + side, left : left + side] = cv2.cvtColor(big, cv2.COLOR_GRAY2BGR)
        writer.write(page)
    writer.release()
    return path
