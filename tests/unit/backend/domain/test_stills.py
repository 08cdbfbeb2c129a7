"""Document stills held for a call: the order's token, once, in time, images only, gone with the call."""

from __future__ import annotations

from itertools import count

import pytest

from backend.domain.stills import MAX_PER_CALL, UPLOAD_TTL_S, StillBox, StillRefused

JPEG = b"\xff\xd8\xff\xe0" + b"page" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"page"


def box() -> StillBox:
    n = count()
    return StillBox(token=lambda size: f"tok{next(n):0{size}d}")


def refused(b: StillBox, *args) -> str:
    with pytest.raises(StillRefused) as e:
        b.accept(*args)
    return e.value.code


def test_only_the_orders_token_in_time_once_and_a_real_image_is_taken():
    b = box()
    s = b.order("s1", 100.0)
    assert refused(b, s.still_id, "wrong", JPEG, "image/jpeg", 10, 10, 101) == "unknown"
    assert refused(b, s.still_id, s.token, JPEG, "image/gif", 10, 10, 101) == "mime"
    assert refused(b, s.still_id, s.token, PNG, "image/jpeg", 10, 10, 101) == "content"
    assert refused(b, s.still_id, s.token, JPEG, "image/jpeg", 0, 10, 101) == "size"
    assert b.get(s.still_id) is None  # ordered, not there yet
    assert b.accept(s.still_id, s.token, JPEG, "image/jpeg", 2480, 1754, 101).width == 2480
    assert refused(b, s.still_id, s.token, JPEG, "image/jpeg", 10, 10, 102) == "already_uploaded"
    late = b.order("s1", 100.0)
    assert refused(b, late.still_id, late.token, JPEG, "image/jpeg", 10, 10, 100 + UPLOAD_TTL_S + 1) == "expired"
    assert s.token not in repr(s) and "page" not in repr(s)


def test_a_call_keeps_its_latest_pages_and_loses_them_all_when_it_ends():
    b = box()
    ids = []
    for i in range(MAX_PER_CALL + 2):
        s = b.order("s1", float(i))
        b.accept(s.still_id, s.token, JPEG, "image/jpeg", 10, 10, float(i))
        ids.append(s.still_id)
    other = b.order("s2", 0.0)
    b.accept(other.still_id, other.token, PNG, "image/png", 10, 10, 0.0)
    assert [s.still_id for s in b.of_call("s1")] == ids[2:]
    b.forget_call("s1")
    assert b.of_call("s1") == [] and b.get(ids[-1]) is None
    assert b.held_bytes() == len(PNG)
    failed = b.order("s2", 0.0)
    b.fail(failed.still_id, "s1")  # another call cannot void it
    b.fail(failed.still_id, "s2")
    assert refused(b, failed.still_id, failed.token, JPEG, "image/jpeg", 10, 10, 1.0) == "unknown"
