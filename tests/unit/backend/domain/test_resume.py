"""The resume book: valid once, for its own party, until the grace period after the drop ends."""

from __future__ import annotations

from backend.domain.resume import ResumeBook


def test_a_live_token_resumes_its_own_party_once():
    book: ResumeBook[str] = ResumeBook(30.0)
    book.issue("booth-1", "h1")
    assert not book.take("booth-2", "h1", 0.0)
    assert book.take("booth-1", "h1", 0.0)
    assert not book.take("booth-1", "h1", 0.0)


def test_a_released_token_is_valid_until_the_grace_period_ends():
    book: ResumeBook[str] = ResumeBook(30.0)
    book.issue("o", "a")
    book.issue("o", "b")
    book.released("a", 100.0)
    book.released("b", 100.0)
    assert book.take("o", "a", 129.9)
    assert not book.take("o", "b", 130.0)
    assert len(book) == 0


def test_forgetting_a_party_keeps_the_tokens_of_its_open_sockets():
    book: ResumeBook[str] = ResumeBook(30.0)
    book.issue("o", "tab1")
    book.issue("o", "tab2")
    book.released("tab1", 0.0)
    book.forget("o")
    assert not book.take("o", "tab1", 1.0)
    assert book.take("o", "tab2", 1.0)


def test_no_grace_period_means_no_resume():
    book: ResumeBook[str] = ResumeBook(0.0)
    book.issue("b", "h")
    assert not book.take("b", "h", 0.0)
