"""Pure helpers of the media shell."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.sim.microphone import ToneMicrophone
from kiosk.media import dbfs


def test_dbfs_of_silence_and_full_scale():
    assert dbfs(np.zeros(960, np.int16)) == -120.0
    assert dbfs(np.array([], np.int16)) == -120.0
    square = np.full(960, 32767, np.int16)
    assert dbfs(square) == pytest.approx(0.0, abs=0.01)


def test_dbfs_of_the_simulated_tone():
    # A sine at amplitude 0.3 has RMS 0.3/sqrt(2): about -13.5 dBFS.
    assert dbfs(ToneMicrophone(amplitude=0.3).read(4800)) == pytest.approx(-13.5, abs=0.2)
