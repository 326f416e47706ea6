"""The signature scheme, checked against HMAC-SHA256 computed here independently, and the
receiver-side verify() that docs/webhooks.md shows (the very file it shows)."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest

from tahawul.webhooks import signing
from tahawul.webhooks.signing import InvalidSignature, signature, signature_header, verify

SECRET = "whsec_k3y-for-the-tests"
OLD_SECRET = "whsec_the-one-before"
SIGNED_AT = 1796281200  # 2026-12-03 07:00:00 UTC
BODY = '{"version":1,"type":"case.opened","data":{"reference":"CS-2B9X-7KQM-4TRE","service":"وزارة"}}'.encode()
DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def test_the_signature_is_hmac_sha256_of_the_time_a_full_stop_and_the_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{SIGNED_AT}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert signature(SECRET, SIGNED_AT, BODY) == expected
    assert signature_header([SECRET], SIGNED_AT, BODY) == f"t={SIGNED_AT},v1={expected}"


def test_a_known_vector() -> None:
    # From outside Python: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    assert signature("secret", 1700000000, b'{"a":1}') == (
        "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
    )


def test_verify_accepts_a_genuine_delivery_inside_the_window() -> None:
    header = signature_header([SECRET], SIGNED_AT, BODY)

    assert verify(BODY, header, SECRET, now=SIGNED_AT) == SIGNED_AT
    assert verify(BODY, header, SECRET, now=SIGNED_AT + 300) == SIGNED_AT
    assert verify(BODY, header, SECRET, now=SIGNED_AT - 300) == SIGNED_AT  # a receiver's clock a little behind


@pytest.mark.parametrize("now", [SIGNED_AT + 301, SIGNED_AT - 301, SIGNED_AT + 86400])
def test_verify_refuses_a_replay_outside_the_window(now: int) -> None:
    header = signature_header([SECRET], SIGNED_AT, BODY)

    with pytest.raises(InvalidSignature, match="replay window"):
        verify(BODY, header, SECRET, now=now)


def test_verify_refuses_a_replay_with_a_new_time() -> None:
    # Someone replaying an old delivery cannot move its time: the signature covers it.
    old = signature_header([SECRET], SIGNED_AT, BODY)
    moved = old.replace(f"t={SIGNED_AT}", f"t={SIGNED_AT + 3600}")

    with pytest.raises(InvalidSignature, match="No signature matches"):
        verify(BODY, moved, SECRET, now=SIGNED_AT + 3600)


@pytest.mark.parametrize(
    "tampered",
    [
        BODY.replace(b"CS-2B9X", b"CS-2B9Y"),
        BODY + b" ",
        BODY.replace(b",", b", "),  # parsed and re-serialised: other bytes, so another signature
    ],
)
def test_verify_refuses_a_changed_body(tampered: bytes) -> None:
    header = signature_header([SECRET], SIGNED_AT, BODY)

    with pytest.raises(InvalidSignature, match="No signature matches"):
        verify(tampered, header, SECRET, now=SIGNED_AT)


def test_verify_refuses_another_secret() -> None:
    header = signature_header([SECRET], SIGNED_AT, BODY)

    with pytest.raises(InvalidSignature):
        verify(BODY, header, "whsec_someone-elses", now=SIGNED_AT)


def test_during_a_rotation_either_secret_verifies() -> None:
    header = signature_header([SECRET, OLD_SECRET], SIGNED_AT, BODY)

    assert header.count("v1=") == 2
    assert verify(BODY, header, SECRET, now=SIGNED_AT) == SIGNED_AT
    assert verify(BODY, header, OLD_SECRET, now=SIGNED_AT) == SIGNED_AT


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"t={SIGNED_AT}",
        "v1=" + "0" * 64,
        f"t=١٧٩٦٢٨١٢٠٠,v1={signature(SECRET, SIGNED_AT, BODY)}",  # Arabic-Indic digits are not a time
        f"t={SIGNED_AT},v1=ليس-توقيعا",  # non-ASCII where a hex digest belongs
    ],
)
def test_verify_refuses_a_malformed_header(header: str) -> None:
    with pytest.raises(InvalidSignature):
        verify(BODY, header, SECRET, now=SIGNED_AT)


def test_verify_takes_a_time_of_up_to_twelve_digits_and_refuses_a_longer_one() -> None:
    latest = 999_999_999_999  # twelve digits: some 31,000 years from now
    assert verify(BODY, signature_header([SECRET], latest, BODY), SECRET, now=latest) == latest

    # Genuinely signed, inside the window of a clock set as far: a 13-digit "time" is still refused.
    longer = 10**12
    with pytest.raises(InvalidSignature, match="no time"):
        verify(BODY, signature_header([SECRET], longer, BODY), SECRET, now=longer)
    # Nor does a time of thousands of digits crash the receiver: it is refused like any other.
    with pytest.raises(InvalidSignature, match="no time"):
        verify(BODY, "t=" + "9" * 5000 + ",v1=" + "0" * 64, SECRET, now=SIGNED_AT)


def test_the_documentation_shows_the_tested_module_whole() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    source = Path(signing.__file__).read_text(encoding="utf-8")

    assert source in blocks
    assert "import django" not in source and "from django" not in source  # a receiver can copy it as is
