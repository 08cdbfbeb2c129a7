from __future__ import annotations

import pytest

from kiosk.contrast import AA_NORMAL, over, ratio
from kiosk.screens.common import ACCENT, BACKGROUND, TEXT


def test_black_on_white_is_21_and_same_is_1():
    assert ratio((0, 0, 0, 1), (1, 1, 1, 1)) == pytest.approx(21.0)
    assert ratio((0.3, 0.3, 0.3, 1), (0.3, 0.3, 0.3, 1)) == pytest.approx(1.0)


def test_a_known_pair_from_the_wcag_examples():
    # #767676 on white is the lightest grey that passes AA (4.54:1).
    assert ratio((0x76 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)


def test_half_transparent_white_over_black_is_grey():
    assert over((1, 1, 1, 0.5), (0, 0, 0, 1)) == (0.5, 0.5, 0.5)


def test_the_booth_s_white_text_passes_aa_on_its_background_and_start():
    assert ratio(TEXT, BACKGROUND) >= AA_NORMAL
    assert ratio(TEXT, ACCENT) >= 3.0  # Start is large bold text
