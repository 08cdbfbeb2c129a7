"""The booth's scale and palettes: text never below 24 px / 7.5 mm, targets 15 mm, contrast AA or AAA."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kiosk.contrast import AA_NORMAL, AAA_NORMAL, ratio
from kiosk.screens.theme import CONTRAST, CONTRAST_BUTTON, CONTRAST_GO, LARGE_FACTOR, NORMAL, Scale, Theme
from kiosk.session import Look


def test_24_px_on_the_reference_panel_and_never_less():
    assert Scale.for_panel(1920, 1080, 27).min_text_px == pytest.approx(24.0)
    # A 4K 27" panel has finer pixels: the same 7.5 mm takes twice as many.
    assert Scale.for_panel(3840, 2160, 27).min_text_px == pytest.approx(48.0)
    # Coarse pixels (1280×720 on 27"): still 24 px, never fewer.
    assert Scale.for_panel(1280, 720, 27).min_text_px == pytest.approx(24.0)


def test_a_smaller_window_than_configured_scales_down_with_it():
    assert Scale.for_panel(1920, 1080, 27, window_height=540).min_text_px == pytest.approx(12.0)


def test_touch_targets_of_15_mm():
    scale = Scale.for_panel(1920, 1080, 27)
    assert scale.min_target_px / scale.px_per_mm == pytest.approx(15.0)


def test_large_text_makes_every_size_larger_and_keeps_the_minimum():
    scale = Scale.for_panel(1920, 1080, 27)
    assert scale.font(10, large=False) == pytest.approx(24.0)
    assert scale.font(10, large=True) == pytest.approx(24.0 * LARGE_FACTOR)
    assert scale.font(50, large=True) == pytest.approx(50 * LARGE_FACTOR)


def test_palettes_meet_wcag():
    assert ratio(NORMAL.text, NORMAL.background) >= AA_NORMAL
    assert ratio(CONTRAST.text, CONTRAST.background) >= AAA_NORMAL
    assert ratio(CONTRAST.button_text, CONTRAST_GO) >= AAA_NORMAL
    assert ratio(CONTRAST.button_text, CONTRAST_BUTTON) >= AAA_NORMAL


def test_set_look_redraws_every_bound_widget():
    theme = Theme()
    theme.configure(Scale.for_panel(1920, 1080, 27))
    widget = SimpleNamespace(font_size=0.0, height=40.0, bind=lambda **_: None, color=None, background_color=None)
    theme.size_text(widget, lambda w: w.height * 0.28)
    theme.label(widget)
    theme.paint(widget, (0.2, 0.3, 0.4, 1))
    assert widget.font_size == pytest.approx(24.0) and widget.background_color == (0.2, 0.3, 0.4, 1)
    theme.set_look(Look(large_text=True, high_contrast=True))
    assert widget.font_size == pytest.approx(24.0 * LARGE_FACTOR)
    assert widget.background_color == CONTRAST_BUTTON and widget.color == CONTRAST.button_text
    theme.set_look(Look())
    assert widget.font_size == pytest.approx(24.0) and widget.background_color == (0.2, 0.3, 0.4, 1)
