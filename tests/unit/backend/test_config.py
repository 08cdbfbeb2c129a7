"""The backend's settings: the environment and the flags load; every mistake names its variable and rule."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from backend.config import BackendSettings, SettingsError, env_names, load_settings
from backend.jobs import JobSettings
from backend.notify import NotifyConfig
from backend.store.retention import DEFAULT_KEEP_DAYS

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ETAPISTE_* from the developer's shell leaks into these tests."""
    for name in env_names():
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def problems(clean_env: pytest.MonkeyPatch, flags: dict | None = None, **env: str) -> list[str]:
    """The lines of the refusal with ``env`` set on top of the clean environment (for this call only)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        with pytest.raises(SettingsError) as err:
            load_settings(flags)
    return str(err.value).splitlines()


def test_defaults_without_any_setting():
    settings = load_settings()
    assert (settings.database_url, settings.host, settings.port, settings.clock_start) == (
        "sqlite:///etapiste.db",
        "127.0.0.1",
        8000,
        None,
    )
    assert settings.notify == NotifyConfig() and settings.notify.sms_url is None
    assert settings.jobs == JobSettings() and settings.jobs.contact_retention_days == DEFAULT_KEEP_DAYS


def test_environment_fills_every_group(clean_env):
    clean_env.setenv("ETAPISTE_DATABASE_URL", "postgresql+psycopg://etapiste@db/etapiste")
    clean_env.setenv("ETAPISTE_PORT", "8443")
    clean_env.setenv("ETAPISTE_SEED_DEMO", "true")
    clean_env.setenv("ETAPISTE_CLOCK_START", "2026-11-24T09:55+02:00")
    clean_env.setenv("ETAPISTE_NOTIFY_SMS_URL", "https://gw.example/sms")
    clean_env.setenv("ETAPISTE_NOTIFY_SMTP_STARTTLS", "false")
    clean_env.setenv("ETAPISTE_NOTIFY_SMTP_HOST", "")  # empty is "not set"
    clean_env.setenv("ETAPISTE_JOBS_NO_SHOW_GRACE_MIN", "15")
    clean_env.setenv("ETAPISTE_JOBS_CONTACT_RETENTION_DAYS", "0")
    s = load_settings()
    assert s.database_url.startswith("postgresql+psycopg://") and s.port == 8443 and s.seed_demo is True
    assert s.clock_start == 1795506900.0  # 2026-11-24 07:55 UTC
    assert (s.notify.sms_url, s.notify.smtp_starttls, s.notify.smtp_host) == ("https://gw.example/sms", False, None)
    assert (s.jobs.no_show_grace_min, s.jobs.contact_retention_days) == (15, 0)


def test_flags_override_the_environment(clean_env):
    clean_env.setenv("ETAPISTE_DATABASE_URL", "sqlite:///from-env.db")
    clean_env.setenv("ETAPISTE_PORT", "9000")
    s = load_settings({"database_url": "sqlite:///from-flag.db"})
    assert (s.database_url, s.port) == ("sqlite:///from-flag.db", 9000)


def test_each_kind_of_bad_value_names_the_variable_and_the_rule(clean_env):
    assert problems(clean_env, ETAPISTE_PORT="http") == [
        "ETAPISTE_PORT: Input should be a valid integer, unable to parse string as an integer (got 'http')"
    ]
    assert problems(clean_env, ETAPISTE_NOTIFY_SMTP_PORT="70000") == [
        "ETAPISTE_NOTIFY_SMTP_PORT: Input should be less than or equal to 65535 (got '70000')"
    ]
    assert problems(clean_env, ETAPISTE_JOBS_CONTACT_RETENTION_DAYS="-1") == [
        "ETAPISTE_JOBS_CONTACT_RETENTION_DAYS: Input should be greater than or equal to 0 (got '-1')"
    ]
    assert problems(clean_env, ETAPISTE_SEED_DEMO="maybe")[0].startswith(
        "ETAPISTE_SEED_DEMO: Input should be a valid boolean"
    )
    assert problems(clean_env, ETAPISTE_CLOCK_START="tuesday") == [
        "ETAPISTE_CLOCK_START: must be an ISO date and time, e.g. 2026-11-24T09:55+02:00 (got 'tuesday')"
    ]
    assert problems(clean_env, ETAPISTE_NOTIFY_SMS_URL="gw.example") == [
        "ETAPISTE_NOTIFY_SMS_URL: must be an http:// or https:// URL of the SMS gateway (got 'gw.example')"
    ]


def test_a_typo_in_a_group_is_refused_not_ignored(clean_env):
    assert problems(clean_env, ETAPISTE_NOTIFY_SMTP_HOTS="mail") == [
        "ETAPISTE_NOTIFY_SMTP_HOTS: unknown setting (a typo?); see docs/CONFIG.md for the known ones"
    ]


def test_renamed_variables_are_refused_by_name(clean_env):
    assert problems(clean_env, ETAPISTE_CONTACT_RETENTION_DAYS="90") == [
        "ETAPISTE_CONTACT_RETENTION_DAYS: renamed to ETAPISTE_JOBS_CONTACT_RETENTION_DAYS"
    ]


def test_rules_across_fields_name_the_later_setting(clean_env):
    got = problems(clean_env, ETAPISTE_NOTIFY_SMS_USERNAME="u")
    assert got == ["ETAPISTE_NOTIFY_SMS_PASSWORD: give both sms_username and sms_password to log in, or neither"]
    got = problems(clean_env, ETAPISTE_NOTIFY_SMS_TIMEOUT="200")
    assert got == ["ETAPISTE_NOTIFY_LEASE_SECONDS: must be longer than sms_timeout and smtp_timeout (got 120.0)"]
    got = problems(clean_env, ETAPISTE_NOTIFY_RETRY_BASE_SECONDS="1000")
    assert got[0].startswith("ETAPISTE_NOTIFY_RETRY_CAP_SECONDS: must not be below retry_base_seconds")


def test_secrets_are_never_echoed(clean_env):
    got = problems(clean_env, ETAPISTE_NOTIFY_SMS_TOKEN="tok-123", ETAPISTE_NOTIFY_SMS_USERNAME="u",
                   ETAPISTE_NOTIFY_SMS_PASSWORD="pw-456")  # fmt: skip
    assert got == ["ETAPISTE_NOTIFY_SMS_TOKEN: give either a bearer token or sms_username/sms_password, not both"]
    got = problems(clean_env, ETAPISTE_DATABASE_URL="user:hunter2@db")
    assert got[0].startswith("ETAPISTE_DATABASE_URL: must be a SQLAlchemy URL") and "hunter2" not in got[0]


def test_a_bad_flag_is_named_as_the_flag(clean_env):
    assert problems(clean_env, {"port": "0"}) == ["--port: Input should be greater than or equal to 1 (got '0')"]
    assert problems(clean_env, {"clock_start": "2026-11-24T09:55"}) == [
        "--clock-start: needs a UTC offset, e.g. 2026-11-24T09:55+02:00 (got '2026-11-24T09:55')"
    ]


def test_every_problem_is_reported_at_once(clean_env):
    got = problems(clean_env, ETAPISTE_PORT="x", ETAPISTE_NOTIFY_SMTP_PORT="x", ETAPISTE_JOBS_ERASE_AT_LOCAL_HOUR="24")
    assert [line.split(":")[0] for line in got] == [
        "ETAPISTE_PORT",
        "ETAPISTE_NOTIFY_SMTP_PORT",
        "ETAPISTE_JOBS_ERASE_AT_LOCAL_HOUR",
    ]


def test_models_refuse_bad_values_when_built_in_code():
    with pytest.raises(ValueError, match="sms_sender"):
        NotifyConfig(sms_sender="A very long sender name")
    with pytest.raises(ValueError, match="check_every_s"):
        JobSettings(check_every_s=0)
    with pytest.raises(ValueError, match="smtp_hots"):
        NotifyConfig.model_validate({"smtp_hots": "mail"})
    assert BackendSettings(port=8001).port == 8001


def test_backend_refuses_to_start_with_a_clear_message(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "ETAPISTE_NOTIFY_SMTP_PORT": "smtp", "ETAPISTE_JOBS_NO_SHOW_GRACE_MIN": "-5"}
    run = subprocess.run(
        [sys.executable, "-m", "etapiste", "backend", "--database-url", f"sqlite:///{tmp_path}/x.db"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "ETAPISTE_NOTIFY_SMTP_PORT: Input should be a valid integer" in run.stderr
    assert "ETAPISTE_JOBS_NO_SHOW_GRACE_MIN: Input should be greater than or equal to 0" in run.stderr
    assert not (tmp_path / "x.db").exists()  # refused before touching the database


def test_every_setting_is_documented():
    doc = (REPO / "docs" / "CONFIG.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(ETAPISTE_[A-Z_]+)`", doc))
    assert [n for n in env_names() if n not in listed] == []


def test_tls_and_turn_settings_from_the_environment(clean_env, tmp_path: Path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("x")
    key.write_text("x")
    clean_env.setenv("ETAPISTE_TLS_CERT_FILE", str(cert))
    clean_env.setenv("ETAPISTE_TLS_KEY_FILE", str(key))
    clean_env.setenv("ETAPISTE_TURN_HOST", "turn.example.fi")
    clean_env.setenv("ETAPISTE_TURN_SECRET", "0123456789abcdef0123")
    clean_env.setenv("ETAPISTE_TURN_TLS_PORT", "5349")
    clean_env.setenv("ETAPISTE_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
    s = load_settings()
    assert s.tls.enabled and (s.tls.cert_file, s.tls.key_file) == (str(cert), str(key))
    assert (s.turn.host, s.turn.tls_port, s.turn.port) == ("turn.example.fi", 5349, 3478)
    assert s.trusted_proxies == "10.0.0.0/8, 192.0.2.7"


def test_half_a_tls_pair_and_a_turn_host_without_secret_are_refused_without_echoing_the_secret(clean_env, tmp_path):
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    assert problems(clean_env, ETAPISTE_TLS_CERT_FILE=str(cert)) == [
        "ETAPISTE_TLS: give both cert_file and key_file, or neither"
    ]
    assert problems(clean_env, ETAPISTE_TLS_CERT_FILE=str(tmp_path / "missing.pem"), ETAPISTE_TLS_KEY_FILE=str(cert))[
        0
    ].startswith("ETAPISTE_TLS_CERT_FILE: must name a readable PEM file")
    lines = problems(clean_env, ETAPISTE_TURN_HOST="turn.example.fi", ETAPISTE_TURN_SECRET="tooshort-secret")
    assert lines[0].startswith("ETAPISTE_TURN:") and "tooshort" not in "\n".join(lines)


def test_uvicorn_serves_tls_and_believes_forwarded_headers_only_from_the_listed_proxies(tmp_path: Path):
    from backend.server import uvicorn_config
    from etapiste.local_ca import create_ca, sign_server_cert

    leaf = sign_server_cert(create_ca(tmp_path), tmp_path, ["127.0.0.1"])
    plain = uvicorn_config(BackendSettings(database_url=f"sqlite:///{tmp_path}/a.db"), app=object())  # type: ignore[arg-type]
    assert (plain.ssl_certfile, plain.proxy_headers) == (None, False)
    tls = uvicorn_config(
        BackendSettings(
            database_url=f"sqlite:///{tmp_path}/b.db",
            tls={"cert_file": str(leaf.cert), "key_file": str(leaf.key)},
            trusted_proxies="10.0.0.5",
        ),
        app=object(),  # type: ignore[arg-type]
    )
    assert (tls.ssl_certfile, tls.ssl_keyfile) == (str(leaf.cert), str(leaf.key))
    assert tls.proxy_headers is True and tls.forwarded_allow_ips == "10.0.0.5"
