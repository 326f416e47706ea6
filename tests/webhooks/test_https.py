"""Deliveries over TLS, as production sends them: the certificate is verified against the host
name even though the connection goes to the address that was checked. A certificate authority
made for the test plays the public ones."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tahawul.identity.models import User
from tahawul.webhooks.emitting import emit
from tahawul.webhooks.models import AttemptOutcome, Delivery, WebhookEvent
from tahawul.webhooks.signing import verify
from tahawul.webhooks.tasks import deliver
from tests.webhooks.conftest import Receiver, serve, subscribe


def _certificate(subject: str, issuer: x509.Name, key: Any, signer: Any, *, authority: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
    )
    if not authority:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[tuple[Receiver, Path]]:
    """A receiver for https://localhost:<port>/, and the file of the authority that signed its certificate."""
    authority_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    authority_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test authority")])
    authority = _certificate("Test authority", authority_name, authority_key, authority_key, authority=True)
    leaf = _certificate("localhost", authority.subject, server_key, authority_key, authority=False)
    (tmp_path / "authority.pem").write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.pem").write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem")
    state, server = serve(host="localhost", tls=context)
    yield state, tmp_path / "authority.pem"
    server.shutdown()
    server.server_close()


def _happen(admin: User, url: str) -> Delivery:
    subscription = subscribe(admin, url)
    emit(event=WebhookEvent.CASE_CLOSED, entity_id=subscription.entity_id, payload=lambda: {"reference": "x"})
    return subscription.deliveries.select_related("subscription").get()


def test_an_https_receiver_with_a_trusted_certificate_gets_the_signed_delivery(
    npra_admin: User, tls_receiver: tuple[Receiver, Path], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver, authority = tls_receiver
    settings.TAHAWUL_WEBHOOKS_HTTPS_ONLY = True
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))  # OpenSSL's trust store, read when a context is made
    delivery = _happen(npra_admin, receiver.url)

    assert deliver.call(delivery.pk) == "delivered"

    [request] = receiver.requests
    assert request.headers["Host"].startswith("localhost:")
    verify(request.body, request.headers["Tahawul-Signature"], delivery.subscription.secret)


def test_a_certificate_nobody_trusts_is_refused(
    npra_admin: User, tls_receiver: tuple[Receiver, Path], settings: Any
) -> None:
    receiver, _authority = tls_receiver
    settings.TAHAWUL_WEBHOOKS_HTTPS_ONLY = True
    delivery = _happen(npra_admin, receiver.url)

    assert deliver.call(delivery.pk) == "retrying"

    assert receiver.requests == []
    [attempt] = delivery.attempt_log.all()
    assert attempt.outcome == AttemptOutcome.UNREACHABLE
    assert "CERTIFICATE_VERIFY_FAILED" in attempt.error
