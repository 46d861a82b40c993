"""Bytes to text, strictly: a file that is not valid text is rejected, not guessed at."""
from __future__ import annotations


class UndecodableError(ValueError):
    pass


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise UndecodableError(f"not valid UTF-16 text (at byte {e.start})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UndecodableError(f"not valid UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None
