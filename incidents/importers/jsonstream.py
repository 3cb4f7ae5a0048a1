"""Read a JSON file whose top level is a list one element at a time, plain or gzipped.

The all-Sweden events file is 85,000 records (40 MB of JSON); ``json.load`` would hold all
of them as Python objects at once (about 170 MB). Decoding element by element from a
sliding buffer keeps memory flat with nothing but the standard library.
"""

import gzip
import io
import json
from collections.abc import Iterator
from typing import IO, Any

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_SIZE = 1 << 16
# An element longer than this is taken as a broken file rather than read on without end: a
# police event is well under a kilobyte.
MAX_ELEMENT_CHARS = 1 << 20
_WHITESPACE = " \t\r\n"


class JsonStreamError(ValueError):
    """The file is not a JSON list; ``position`` counts characters from the start."""

    def __init__(self, message: str, *, position: int) -> None:
        super().__init__(f"{message} (at character {position})")
        self.position = position


class _KeepOpen(io.RawIOBase):
    """Reads ``binary`` without closing it when the text stream over it is closed, so that the
    caller may rewind it for a second pass (GzipFile already leaves its ``fileobj`` open)."""

    def __init__(self, binary: IO[bytes]) -> None:
        self._binary = binary

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._binary.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_text(binary: IO[bytes]) -> IO[str]:
    """A UTF-8 text stream over ``binary`` from where it stands, ungzipped when it starts with
    the gzip magic. Closing it leaves ``binary`` open.

    The content decides, not the file name: an upload named ``.json`` may well be gzipped.
    A byte order mark is dropped.
    """
    start = binary.tell()
    head = binary.read(2)
    binary.seek(start)
    if head == GZIP_MAGIC:
        raw = gzip.GzipFile(fileobj=binary, mode="rb")
    else:
        raw = io.BufferedReader(_KeepOpen(binary), buffer_size=CHUNK_SIZE)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def iter_json_list(text: IO[str], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Any]:
    """Yield each element of the JSON list in ``text``; raise JsonStreamError when the file is
    not one (also when it is cut short, so a truncated download is never taken as complete).
    """
    decoder = json.JSONDecoder()
    buffer = ""
    pos = 0
    consumed = 0  # characters dropped from the front of the buffer, for error positions
    eof = False

    def fill() -> bool:
        nonlocal buffer, pos, consumed, eof
        if eof:
            return False
        more = text.read(chunk_size)
        if not more:
            eof = True
            return False
        # Drop what has been decoded so the buffer never grows beyond an element or two.
        consumed += pos
        buffer = buffer[pos:] + more
        pos = 0
        return True

    def skip_whitespace() -> str | None:
        nonlocal pos
        while True:
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            if pos < len(buffer):
                return buffer[pos]
            if not fill():
                return None

    try:
        if skip_whitespace() != "[":
            raise JsonStreamError("the file does not start a JSON list", position=consumed + pos)
        pos += 1
        expect_element = True  # right after "[" or ","
        first = True
        while True:
            char = skip_whitespace()
            if char is None:
                raise JsonStreamError("the list is cut short", position=consumed + pos)
            if char == "]" and (first or not expect_element):
                pos += 1
                break
            if not expect_element:
                if char != ",":
                    raise JsonStreamError("expected “,” or “]”", position=consumed + pos)
                pos += 1
                expect_element = True
                continue
            while True:
                try:
                    element, end = decoder.raw_decode(buffer, pos)
                except json.JSONDecodeError as exc:
                    # Either the element runs past the buffer or the file is broken: read
                    # more and try again, until the file ends.
                    if len(buffer) - pos > MAX_ELEMENT_CHARS or not fill():
                        raise JsonStreamError(exc.msg, position=consumed + exc.pos) from exc
                    continue
                # A number or literal that ends exactly at the buffer's end may go on in the
                # next chunk ("12" of "1234").
                if end == len(buffer) and fill():
                    continue
                break
            pos = end
            yield element
            expect_element = False
            first = False
        if skip_whitespace() is not None:
            raise JsonStreamError("text after the end of the list", position=consumed + pos)
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile, OSError) as exc:
        raise JsonStreamError(f"unreadable file: {exc}", position=consumed + pos) from exc


def count_json_list(text: IO[str]) -> int:
    """How many elements the JSON list holds, reading it through once (and so checking it)."""
    return sum(1 for _ in iter_json_list(text))
