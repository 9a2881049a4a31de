"""Secrets and signatures of webhooks, per the Standard Webhooks specification (HMAC-SHA256)."""

import base64
import secrets
from collections.abc import Iterable
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(message_id: str, sent_at: datetime, body: str, signing_secrets: Iterable[str]) -> dict[str, str]:
    """The three headers of a delivery. Each secret in use signs: during a rotation the old and the new
    one both do (space-separated), so a receiver holding either verifies."""
    signatures = " ".join(Webhook(secret).sign(message_id, sent_at, body) for secret in signing_secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }
