"""Strong identification with the citizen's ID card over PKCS#11.

The PKCS#11 module is configuration: on booths with the Finnish national ID
card it is DVV's mPollux DigiSign Client (``libcryptoki.so``), elsewhere
OpenSC's ``opensc-pkcs11.so``; in tests SoftHSM2. The flow:

1. find the token holding the *authentication* certificate (keyUsage
   digitalSignature without nonRepudiation: the Finnish card also carries a
   qualified signature certificate, with its own PIN 2, which we must not use);
2. log in with the PIN the citizen typed on the booth's keypad (PIN 1);
3. sign the backend's challenge with the private key whose CKA_ID matches
   the certificate's, and hand back (certificate DER, signature, mechanism).

The challenge is hashed here and the card signs the digest with the raw
mechanism (``CKM_ECDSA``, ``CKM_RSA_PKCS`` with a DigestInfo,
``CKM_RSA_PKCS_PSS``): ID cards support those, while the combined
hash-and-sign mechanisms are often missing. ECDSA signatures are returned as
PKCS#11 gives them (``r || s``); ``backend/identity.py`` reads that format.

The PIN arrives as a ``bytearray`` and is wiped when ``identify`` returns.
python-pkcs11 only takes a ``str`` PIN, so one short-lived immutable copy is
unavoidable; it is dropped right after login. The PIN is never logged.

Errors are ``IdCardError`` with a stable ``code`` and an English ``reason``
(the kiosk translates by code): ``wrong_pin`` (with ``tries_left`` when the
token tells), ``pin_locked``, ``card_removed``, ``no_card``,
``no_certificate``, ``unsupported_key``, ``module_error``.

Blocking: call from a worker thread, not the kiosk's event loop.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from pkcs11 import MGF, Attribute, CertificateType, KeyType, Mechanism, ObjectClass, TokenFlag
from pkcs11.exceptions import (
    DeviceError,
    DeviceRemoved,
    PinExpired,
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    PKCS11Error,
    SessionClosed,
    SessionHandleInvalid,
    TokenNotPresent,
    TokenNotRecognised,
)

log = logging.getLogger("etapiste.drivers.idcard")

#: DER DigestInfo prefixes (RFC 8017 §9.2 note 1) for RSA PKCS#1 v1.5 over a precomputed hash.
DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
#: The errors that mean the card (or the reader, or the middleware's link to it) went away.
REMOVED_ERRORS = (DeviceRemoved, TokenNotPresent, TokenNotRecognised, SessionClosed, SessionHandleInvalid, DeviceError)


class IdCardError(Exception):
    """Identification failed. ``code`` for programs and translations, ``reason`` in English."""

    def __init__(self, code: str, reason: str, tries_left: int | None = None) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason, self.tries_left = code, reason, tries_left


@dataclass(frozen=True)
class Identification:
    """What the booth sends to the backend: no PIN, only public data and a signature."""

    certificate_der: bytes
    signature: bytes
    mechanism: str  # a name from backend.identity.MECHANISMS


def error_for(exc: PKCS11Error, flags: TokenFlag | None) -> IdCardError:
    """Pure: a PKCS#11 failure (plus the token's flags read after it, if any) as a citizen-facing error."""
    if isinstance(exc, PinLocked) or (flags is not None and flags & TokenFlag.USER_PIN_LOCKED):
        return IdCardError("pin_locked", "the card's PIN is locked after too many wrong tries; unlock it with the PUK")
    if isinstance(exc, PinIncorrect | PinInvalid | PinLenRange):
        if flags is not None and flags & TokenFlag.USER_PIN_FINAL_TRY:
            return IdCardError("wrong_pin", "wrong PIN; one try left before the PIN locks", tries_left=1)
        if flags is not None and flags & TokenFlag.USER_PIN_COUNT_LOW:
            return IdCardError("wrong_pin", "wrong PIN; few tries left before the PIN locks")
        return IdCardError("wrong_pin", "wrong PIN")
    if isinstance(exc, PinExpired):
        return IdCardError("pin_expired", "the card's PIN has expired and must be changed first")
    if isinstance(exc, REMOVED_ERRORS):
        return IdCardError("card_removed", "the card was removed; insert it and try again")
    return IdCardError("module_error", f"the ID card software reported {type(exc).__name__}")


def mechanism_for(public_key: object, rsa_padding: str = "pkcs1") -> tuple[str, str]:
    """Pure: (wire mechanism name, hash name) for a certificate's public key."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        size = public_key.curve.key_size
        hash_name = "sha256" if size <= 256 else "sha384" if size <= 384 else "sha512"
        return f"ecdsa-{hash_name}", hash_name
    if isinstance(public_key, rsa.RSAPublicKey):
        if rsa_padding not in ("pkcs1", "pss"):
            raise ValueError(f"rsa_padding must be 'pkcs1' or 'pss', not {rsa_padding!r}")
        return f"rsa-{rsa_padding}-sha256", "sha256"
    raise IdCardError("unsupported_key", f"the card's key type {type(public_key).__name__} is not supported")


def is_authentication_certificate(cert: x509.Certificate) -> bool:
    """Pure: may sign, and is not the qualified (non-repudiation) signing certificate."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return usage.digital_signature and not usage.content_commitment


class Pkcs11IdCard:
    """The ID card as a PKCS#11 token. One instance per booth; not thread-safe (one identification at a time)."""

    def __init__(self, module_path: str, token_label: str | None = None, rsa_padding: str = "pkcs1") -> None:
        if not module_path:
            raise ValueError("module_path must name the PKCS#11 module (booth config)")
        self.module_path, self.token_label, self.rsa_padding = module_path, token_label, rsa_padding

    def _lib(self) -> object:
        try:
            return pkcs11.lib(self.module_path)
        except (OSError, RuntimeError) as exc:
            raise IdCardError("module_error", f"cannot load the PKCS#11 module {self.module_path}") from exc

    def _find(self) -> tuple[object, x509.Certificate, bytes]:
        """(slot, authentication certificate, its CKA_ID) from the first token that has one."""
        lib = self._lib()
        try:
            slots = lib.get_slots(token_present=True)  # type: ignore[attr-defined]
        except PKCS11Error as exc:
            raise error_for(exc, None) from exc
        if not slots:
            raise IdCardError("no_card", "no ID card in the reader")
        for slot in slots:
            try:
                token = slot.get_token()
                if self.token_label is not None and token.label != self.token_label:
                    continue
                with token.open() as session:
                    # Read them all first: a search left open past the session's end fails in a finaliser.
                    found = [
                        (obj[Attribute.VALUE], bytes(obj[Attribute.ID]))
                        for obj in session.get_objects(
                            {
                                Attribute.CLASS: ObjectClass.CERTIFICATE,
                                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                            }
                        )
                    ]
                for value, key_id in found:
                    try:
                        cert = x509.load_der_x509_certificate(value)
                    except ValueError:
                        continue  # an unreadable certificate on the card is not ours to fix
                    if is_authentication_certificate(cert):
                        return slot, cert, key_id
            except PKCS11Error as exc:
                raise error_for(exc, None) from exc
        raise IdCardError("no_certificate", "the card has no authentication certificate (is it an ID card?)")

    def read_certificate(self) -> bytes:
        """The authentication certificate (DER), readable without the PIN."""
        _, cert, _ = self._find()
        return cert.public_bytes(Encoding.DER)

    def identify(
        self,
        pin: bytearray,
        challenge: bytes,
        card_present: Callable[[], bool] | None = None,
        on_step: Callable[[str], None] | None = None,
    ) -> Identification:
        """Log in with ``pin`` and sign ``challenge``. Always wipes ``pin``.

        ``card_present`` (the PC/SC reader's view) is checked before login and before signing, so a
        card pulled mid-flow gives ``card_removed`` even when the middleware would only time out.
        ``on_step`` hears "reading", "pin", "signing" for the screen's progress text.
        """
        try:
            return self._identify(pin, challenge, card_present, on_step or (lambda _step: None))
        finally:
            for i in range(len(pin)):
                pin[i] = 0

    def _identify(
        self,
        pin: bytearray,
        challenge: bytes,
        card_present: Callable[[], bool] | None,
        on_step: Callable[[str], None],
    ) -> Identification:
        if not challenge:
            raise ValueError("challenge must not be empty")

        def check_card() -> None:
            if card_present is not None and not card_present():
                raise IdCardError("card_removed", "the card was removed; insert it and try again")

        on_step("reading")
        check_card()
        slot, cert, key_id = self._find()
        mechanism, hash_name = mechanism_for(cert.public_key(), self.rsa_padding)
        digest = hashlib.new(hash_name, challenge).digest()

        on_step("pin")
        check_card()
        try:
            token = slot.get_token()  # type: ignore[attr-defined]
            pin_text: str | None = pin.decode("ascii")
            try:
                session = token.open(user_pin=pin_text)
            finally:
                pin_text = None  # drop our reference to the immutable copy at once
        except PKCS11Error as exc:
            raise error_for(exc, self._flags_after_failure(slot)) from None
        except UnicodeDecodeError:
            raise IdCardError("wrong_pin", "the PIN may contain digits only") from None

        try:
            on_step("signing")
            check_card()
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key_id)
            signature = self._sign(key, mechanism, hash_name, digest)
        except PKCS11Error as exc:
            raise error_for(exc, None) from None
        except IdCardError:
            raise
        finally:
            try:
                session.close()
            except PKCS11Error:
                pass  # the card is already gone: nothing left to close
        log.info("ID card signed a challenge with %s", mechanism)
        return Identification(cert.public_bytes(Encoding.DER), bytes(signature), mechanism)

    def _sign(self, key: object, mechanism: str, hash_name: str, digest: bytes) -> bytes:
        key_type = key.key_type  # type: ignore[attr-defined]
        if mechanism.startswith("ecdsa-"):
            if key_type != KeyType.EC:
                raise IdCardError("unsupported_key", "the card's key does not match its certificate (not EC)")
            return key.sign(digest, mechanism=Mechanism.ECDSA)  # type: ignore[attr-defined]
        if key_type != KeyType.RSA:
            raise IdCardError("unsupported_key", "the card's key does not match its certificate (not RSA)")
        if mechanism.startswith("rsa-pss-"):
            param = (Mechanism.SHA256, MGF.SHA256, len(digest))
            return key.sign(digest, mechanism=Mechanism.RSA_PKCS_PSS, mechanism_param=param)  # type: ignore[attr-defined]
        return key.sign(DIGEST_INFO[hash_name] + digest, mechanism=Mechanism.RSA_PKCS)  # type: ignore[attr-defined]

    @staticmethod
    def _flags_after_failure(slot: object) -> TokenFlag | None:
        """The token's PIN counters after a failed login (fresh token info), or None if unreadable."""
        try:
            return slot.get_token().flags  # type: ignore[attr-defined]
        except PKCS11Error:
            return None
