"""The enrollment keypad's logic: only the token's characters, grouped as the admin app shows them."""

from __future__ import annotations

from kiosk.enrollment import TOKEN_LENGTH, TokenEntry


def test_typed_characters_are_grouped_and_ok_needs_all_sixteen():
    entry = TokenEntry()
    for ch in "ABCDE1":  # 1 is not base32: ignored
        entry.press(ch)
    assert entry.shown == "ABCD-E" and not entry.complete
    entry.erase()
    assert entry.shown == "ABCD"
    for ch in "EFGHJKLM234567XYZ":  # one too many: the last is ignored
        entry.press(ch)
    assert entry.complete and entry.shown == "ABCD-EFGH-JKLM-2345"[: TOKEN_LENGTH + 3]
    assert entry.take() == "ABCD-EFGH-JKLM-2345" and entry.shown == ""
