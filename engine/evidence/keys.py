"""The township's Ed25519 signing key: a PEM file outside the database (settings.EVIDENCE_SIGNING_KEY)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class SigningKeyMissing(RuntimeError):
    pass


def key_path() -> Path:
    return Path(settings.EVIDENCE_SIGNING_KEY)


def generate(path: Path | None = None) -> Path:
    """Write a new private key (mode 0600) and its public key beside it (.pub.pem); never overwrites."""
    path = path or key_path()
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path(path).write_bytes(public_pem(key.public_key()))
    return path


def public_path(path: Path | None = None) -> Path:
    path = path or key_path()
    return path.with_name(path.stem + ".pub.pem")


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        raise SigningKeyMissing(f"no signing key at {path}: run `python manage.py evidence_keygen`")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 private key")
    return key


def public_key() -> Ed25519PublicKey:
    """The township's public key: from the private key file, else from the published .pub.pem."""
    path = key_path()
    if path.exists():
        return private_key().public_key()
    if public_path(path).exists():
        return load_public_pem(public_path(path).read_bytes())
    raise SigningKeyMissing(f"no signing key at {path}: run `python manage.py evidence_keygen`")


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(message: bytes) -> tuple[str, str]:
    key = private_key()
    return key_id(key.public_key()), base64.b64encode(key.sign(message)).decode("ascii")
