"""File names and the ZIP DIAN receives (research §5).

``{prefix}{NIT:010}{ppp}{yy}{consecutive:08}.xml`` inside ``z{same}.zip``: ``ppp`` is ``000``
for own software (a technology provider's DIAN code otherwise), ``yy`` the last two digits of the
year. The consecutive is **decimal**, as the Anexo 1.7/1.8 text quotes it ("ocho (8) dígitos
decimales"); the pipeline passes the document's own number (mod 10⁸), which is unique per range
and type. DIAN does not enforce these names (it answers with the name of the XML inside the ZIP).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

OWN_SOFTWARE_PROVIDER_CODE = "000"

# The archive's one entry, as ``zipfile`` writes it for ``ZipInfo(name, (1980, 1, 1, 0, 0, 0))``
# deflated into a seekable buffer: version 2.0 needed, made by 2.0 on Unix, DOS date 1980-01-01
# 00:00, permissions 0600, no extra field, no comment, no data descriptor.
_VERSION = 20
_MADE_BY = (3 << 8) | _VERSION
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1
_UTF8_NAME = 0x800
_PERMISSIONS = 0o600 << 16
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_ZIP64_LIMIT = (1 << 31) - 1


def document_file_names(
    file_prefix: str,
    nit: str,
    year: int,
    consecutive: int,
    *,
    provider_code: str = OWN_SOFTWARE_PROVIDER_CODE,
) -> tuple[str, str]:
    """``(xml_name, zip_name)``, e.g. ``fv0900373076000260000001.xml`` / ``z09003730…zip``."""
    if not nit.isdigit() or len(nit) > 10:
        raise ValueError(f"NIT must be up to 10 digits without DV, got {nit!r}")
    if not (len(provider_code) == 3 and provider_code.isdigit()):
        raise ValueError(f"provider code must be 3 digits, got {provider_code!r}")
    stem = f"{nit:0>10}{provider_code}{year % 100:02d}{consecutive % 100_000_000:08d}"
    return f"{file_prefix}{stem}.xml", f"z{stem}.zip"


def zip_xml(xml_bytes: bytes, xml_name: str) -> bytes:
    """A ZIP holding exactly one XML (SendBillSync accepts only one), deflated at the fastest
    level: the bytes ``zipfile`` writes for it, packed directly (the tests compare both)."""
    if len(xml_bytes) > _ZIP64_LIMIT:
        return _zip_with_zipfile(xml_bytes, xml_name)
    try:
        name, flags = xml_name.encode("ascii"), 0
    except UnicodeEncodeError:
        name, flags = xml_name.encode("utf-8"), _UTF8_NAME
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    deflated = compressor.compress(xml_bytes) + compressor.flush()
    crc = zlib.crc32(xml_bytes)
    sizes = (crc, len(deflated), len(xml_bytes), len(name))
    local = _LOCAL.pack(
        b"PK\x03\x04", _VERSION, flags, zlib.DEFLATED, _DOS_TIME, _DOS_DATE, *sizes, 0
    )
    central = _CENTRAL.pack(
        b"PK\x01\x02", _MADE_BY, _VERSION, flags, zlib.DEFLATED, _DOS_TIME, _DOS_DATE, *sizes,
        0, 0, 0, 0, _PERMISSIONS, 0,
    )  # fmt: skip
    central_at = len(local) + len(name) + len(deflated)
    end = _END.pack(b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), central_at, 0)
    return b"".join((local, name, deflated, central, name, end))


def _zip_with_zipfile(xml_bytes: bytes, xml_name: str) -> bytes:
    """The same archive through ``zipfile`` (which switches to ZIP64 past 2 GiB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        info = zipfile.ZipInfo(xml_name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, xml_bytes, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buffer.getvalue()
