"""A zip bomb, built in seconds and a few MB of memory, for the archive-limit tests and the bench.

One member whose deflate stream is the same full-flushed block of compressed zeros repeated: each block
decompresses to `block` bytes on its own, so the stream is written without compressing 2 GB first.
Kept in the app package (not tests/) so `bench/` and the tests share it without importing each other.
"""

from __future__ import annotations

import struct
import zlib


def zip_bomb(
    expanded: int, name: str = "bank.xml", block: int = 1 << 20, declared: int | None = None
) -> bytes:
    """A zip of one member that unpacks to `expanded` bytes of zeros (rounded down to whole blocks).

    `declared` sets the sizes the headers claim (default: the truth), to build a bomb that lies.
    """
    blocks = max(expanded // block, 1)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(block)
    piece = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    data = piece * blocks + tail
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    size = blocks * block
    claimed = size if declared is None else declared
    encoded = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), claimed, len(encoded), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0x21,
        crc,
        len(data),
        claimed,
        len(encoded),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    body = local + encoded + data
    directory = central + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end
