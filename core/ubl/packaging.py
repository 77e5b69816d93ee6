"""File names and the ZIP DIAN receives (research §5).

``{prefix}{NIT:010}{ppp}{yy}{consecutive:08}.xml`` inside ``z{same}.zip``: ``ppp`` is ``000``
for own software (a technology provider's DIAN code otherwise), ``yy`` the last two digits of the
year. The consecutive is **decimal**, as the Anexo 1.7/1.8 text quotes it ("ocho (8) dígitos
decimales"); the pipeline passes the document's own number (mod 10⁸), which is unique per range
and type. DIAN does not enforce these names (it answers with the name of the XML inside the ZIP).
"""

from __future__ import annotations

import io
import zipfile

OWN_SOFTWARE_PROVIDER_CODE = "000"


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
    """A ZIP holding exactly one XML (SendBillSync accepts only one), deflated at a fast level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        info = zipfile.ZipInfo(xml_name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, xml_bytes, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buffer.getvalue()
