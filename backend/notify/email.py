"""E-mail to citizens over SMTP (``smtplib``), plain text in the booking's language.

The ``Message-ID`` is derived from the outbox row id, so if a send is retried
after the server did take the first copy (the connection dropped before its
answer), the two copies carry the same id and mail clients and servers can
recognise the duplicate.

Failures: an SMTP 4xx reply, a refused/dropped connection, a timeout or an
authentication failure (the operator's configuration, not the message) are
temporary; a 5xx reply about the message or its recipient is permanent.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from backend.notify import NotifyConfig, PermanentFailure, TemporaryFailure
from backend.notify.outbox import redact


@dataclass(frozen=True)
class EmailSender:
    host: str
    port: int
    sender: str
    timeout: float
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    message_id_domain: str = "etapiste.invalid"
    #: For tests against a server with a self-signed certificate; None = system trust store.
    ssl_context: ssl.SSLContext | None = None

    @classmethod
    def from_config(cls, config: NotifyConfig) -> EmailSender | None:
        """The mail server of ``config``, or None when e-mail is not configured."""
        if not config.smtp_host:
            return None
        return cls(
            host=config.smtp_host,
            port=config.smtp_port,
            sender=config.smtp_from,
            timeout=config.smtp_timeout,
            starttls=config.smtp_starttls,
            username=config.smtp_username,
            password=config.smtp_password,
            message_id_domain=config.message_id_domain,
        )

    def message_id(self, reference: str) -> str:
        return f"<outbox-{reference}@{self.message_id_domain}>"

    def build(self, to: str, subject: str, text: str, reference: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["Message-ID"] = self.message_id(reference)
        msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a no-reply address
        msg.set_content(text, charset="utf-8")
        return msg

    def send(self, to: str, subject: str, text: str, reference: str) -> str:
        """Send one e-mail; return its Message-ID. Raises TemporaryFailure or PermanentFailure."""
        msg = self.build(to, subject, text, reference)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if self.starttls:
                    smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                    smtp.ehlo()
                if self.username is not None and self.password is not None:
                    smtp.login(self.username, self.password)
                smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryFailure(f"SMTP login refused ({exc.smtp_code}); check smtp_username/smtp_password") from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()))
            _raise_for(code, f"SMTP server refused the recipient: {code} {_text(answer)}")
        except smtplib.SMTPResponseException as exc:
            _raise_for(exc.smtp_code, f"SMTP server answered {exc.smtp_code} {_text(exc.smtp_error)}")
        except smtplib.SMTPNotSupportedError:
            raise TemporaryFailure(
                "SMTP server does not offer STARTTLS; set smtp_starttls = false if intended"
            ) from None
        except TimeoutError:
            raise TemporaryFailure(f"SMTP server did not answer within {self.timeout:g} s") from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            raise TemporaryFailure(f"SMTP server unreachable: {type(exc).__name__}") from None
        return msg["Message-ID"]


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _raise_for(code: int, message: str) -> None:
    if 400 <= code < 500:
        raise TemporaryFailure(redact(message))
    raise PermanentFailure(redact(message))
