"""A tiny MBTiles package for tests: one coloured PNG per (z, x, y) tile asked for, stored
as a real package stores it (TMS rows, counted from the south)."""

import io
import sqlite3
from contextlib import closing
from pathlib import Path

from PIL import Image


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), color).save(out, format="PNG")
    return out.getvalue()


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], str], fmt: str = "png") -> Path:
    """`tiles` maps (z, x, y) in Leaflet's XYZ numbering to a colour; returns `path`."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
            " tile_data BLOB)"
        )
        zooms = [z for z, _x, _y in tiles]
        db.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [
                ("name", "测试底图"),
                ("format", fmt),
                ("minzoom", str(min(zooms))),
                ("maxzoom", str(max(zooms))),
                ("attribution", "九龙坡区分局离线地图"),
            ],
        )
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, 2**z - 1 - y, png(color)) for (z, x, y), color in tiles.items()],
        )
    return path
