"""Writing cache files safely: to a temporary file in the same folder, renamed into place, so a
killed build or two builds at once never leave half a file behind; and the SHA-256 header that
lets a cache tell a whole entry of its own from a truncated or edited one."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

#: The header of a hashed cache entry as the map memo writes it: the digest on a line of its own.
DIGEST_LINE = "{digest}\n"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_digest(body: str, header: str = DIGEST_LINE) -> str:
    """``body`` after a header holding its SHA-256 (``header`` with a ``{digest}`` field)."""
    return header.format(digest=sha256_text(body)) + body


def checked_body(text: str, header: re.Pattern[str]) -> tuple[str | None, str]:
    """The body of a hashed entry when its header matches and the body has that digest, else
    ``None`` and why not. ``header`` matches the header with a group named ``digest``."""
    found = header.match(text)
    if found is None:
        return None, "it does not start with its content hash"
    body = text[found.end() :]
    if sha256_text(body) != found.group("digest"):
        return None, "its content does not match its hash (truncated or changed)"
    return body, ""


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, creating its folder. Raises :class:`OSError`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.stem[:12]}-", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
