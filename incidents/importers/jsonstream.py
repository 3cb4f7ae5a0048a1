"""Read a JSON file whose top level is a list one element at a time, plain or gzipped.

The all-Sweden events file is 85,000 records (40 MB of JSON); ``json.load`` would hold all
of them as Python objects at once (about 170 MB). Decoding element by element from a
sliding buffer keeps memory flat with nothing but the standard library.
"""

import gzip
import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from core.jsonlimits import MAX_DEPTH, TooDeep, check_depth, parse_int

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_SIZE = 1 << 16
# An element longer than this is taken as a broken file rather than read on without end: a
# police event is well under a kilobyte.
MAX_ELEMENT_CHARS = 1 << 20
_NOT_WHITESPACE = re.compile(r"[^ \t\r\n]")


class JsonStreamError(ValueError):
    """The file is not a JSON list; ``position`` counts characters from the start."""

    def __init__(self, message: str, *, position: int) -> None:
        super().__init__(f"{message} (at character {position})")
        self.position = position


class UnpackedTooLarge(ValueError):
    """The file holds (or unpacks to) more than ``limit`` bytes: refused before it is read
    through, so a small compressed file cannot keep a worker busy for minutes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file unpacks to more than {limit} bytes")
        self.limit = limit


class _Capped(io.RawIOBase):
    """Reads ``raw`` and raises UnpackedTooLarge once more than ``limit`` bytes came out."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        self._read += len(data)
        if self._read > self._limit:
            raise UnpackedTooLarge(self._limit)
        buffer[: len(data)] = data
        return len(data)


def _gzip_stated_size(binary: IO[bytes], start: int) -> int | None:
    """The unpacked size a gzip file states in its last four bytes (modulo 4 GiB), or None
    when the stream cannot seek. A lie there makes gzip refuse the file at its end anyway."""
    try:
        end = binary.seek(0, io.SEEK_END)
        if end - start < 18:  # shorter than a gzip header and trailer
            return None
        binary.seek(end - 4)
        return int.from_bytes(binary.read(4), "little")
    except (OSError, ValueError):
        return None
    finally:
        binary.seek(start)


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


def open_text(binary: IO[bytes], *, max_bytes: int | None = None) -> IO[str]:
    """A UTF-8 text stream over ``binary`` from where it stands, ungzipped when it starts with
    the gzip magic. Closing it leaves ``binary`` open.

    The content decides, not the file name: an upload named ``.json`` may well be gzipped.
    A byte order mark is dropped. With ``max_bytes``, reading past that many (unpacked)
    bytes raises UnpackedTooLarge, and a gzip file stating a larger size is refused at once.
    """
    start = binary.tell()
    head = binary.read(2)
    binary.seek(start)
    if head == GZIP_MAGIC:
        if max_bytes is not None:
            stated = _gzip_stated_size(binary, start)
            if stated is not None and stated > max_bytes:
                raise UnpackedTooLarge(max_bytes)
        raw = gzip.GzipFile(fileobj=binary, mode="rb")
    else:
        raw = _KeepOpen(binary)
    if max_bytes is not None:
        raw = _Capped(raw, max_bytes)
    return io.TextIOWrapper(
        io.BufferedReader(raw, buffer_size=CHUNK_SIZE), encoding="utf-8-sig", newline=""
    )


def iter_json_list(text: IO[str], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Any]:
    """Yield each element of the JSON list in ``text``; raise JsonStreamError when the file is
    not one (also when it is cut short, so a truncated download is never taken as complete).
    """
    # Whole numbers of hundreds of digits stay text: int() refuses 4,300 digits and more with
    # a ValueError the scanner does not turn into a JSONDecodeError.
    decoder = json.JSONDecoder(parse_int=parse_int)
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
        # A regular expression, not a loop per character: a file of 100 MB of blanks
        # (packed into a few hundred kilobytes) is passed in about a second.
        nonlocal pos
        while True:
            found = _NOT_WHITESPACE.search(buffer, pos)
            if found is not None:
                pos = found.start()
                return buffer[pos]
            pos = len(buffer)
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
                    check_depth(element)
                except (RecursionError, TooDeep) as exc:
                    raise JsonStreamError(
                        f"an element is nested deeper than {MAX_DEPTH} levels",
                        position=consumed + pos,
                    ) from exc
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
