"""Digital signatures (ký số) of published PDFs with pyHanko: PAdES B-B, and their check.

The issuing body's certificate and key come from a PKCS#12 file (``MEETING_SIGNING_CERTIFICATE``
and ``MEETING_SIGNING_PASSWORD``), read once at start-up. The signature's appearance follows the
decree's practice for electronic documents: a box at the signer block, between the signer's
position and name, with the organisation's name and the time of signing (ISO 8601, Vietnam's
offset). Signing and checking are blocking work, for a thread.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fontTools.ttLib.scaleUpem import scale_upem  # type: ignore[import-untyped]
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from meeting_server.publishing.render import RenderedPdf
from meeting_server.settings import ConfigError, Settings

logger = logging.getLogger(__name__)

FIELD_NAME = "Signature1"
STAMP_TEXT = "Ký bởi: %(organisation)s\nThời gian ký: %(signed_at)s"


@dataclass(frozen=True)
class Signing:
    """The issuing body's signer (pyHanko's), the certificates it trusts when checking (its own
    and its chain), and the font of the appearance."""

    signer: Any
    trusted: tuple[Any, ...]
    organisation: str
    font: Path | None

    def sign(self, rendered: RenderedPdf, at: datetime, reason: str, location: str) -> bytes:
        """``rendered`` signed at ``at``, the appearance on its signature box (invisible when
        the document has none)."""
        box = rendered.signature_box
        rect = (round(box.rect[0]), round(box.rect[1]), round(box.rect[2]),
                round(box.rect[3])) if box else None
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=box.page if box else 0, box=rect)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256", reason=reason, location=location or None)
        text_style = TextBoxStyle(font=_EmbeddedFont(appearance_font(self.font)), font_size=9) \
            if self.font else TextBoxStyle(font_size=9)
        stamp = TextStampStyle(stamp_text=STAMP_TEXT, text_box_style=text_style,
                               border_width=1, border_color=(0.75, 0.1, 0.1))
        pdf_signer = _AtTime(at, meta, signer=self.signer, stamp_style=stamp,
                             new_field_spec=spec)
        writer = IncrementalPdfFileWriter(io.BytesIO(rendered.data))
        out = pdf_signer.sign_pdf(writer, appearance_text_params={
            "organisation": _wrapped(self.organisation),
            "signed_at": at.strftime("%d.%m.%Y %H:%M:%S ") + at.strftime("%z")[:3] + ":"
            + at.strftime("%z")[3:]})
        return bytes(out.getvalue())


def load_signing(settings: Settings, font: Path | None) -> Signing | None:
    """The signer of ``settings``, or None (published unsigned) when no certificate is set;
    ConfigError naming the setting when the file or its password does not do."""
    path = settings.signing_certificate
    if path is None:
        logger.info("publications are published unsigned: MEETING_SIGNING_CERTIFICATE is empty")
        return None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[],
            passphrase=settings.signing_password.encode() or None)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"MEETING_SIGNING_CERTIFICATE: cannot read the key and certificate "
                          f"in {path} (is MEETING_SIGNING_PASSWORD right?): {exc}") from None
    if signer is None or signer.signing_cert is None:
        raise ConfigError(f"MEETING_SIGNING_CERTIFICATE: {path} holds no certificate with a key")
    cert = signer.signing_cert
    organisation = _organisation(cert)
    validity = cert["tbs_certificate"]["validity"]
    not_after = validity["not_after"].native
    if not_after < datetime.now(UTC):
        logger.warning("the signing certificate of %s expired on %s", organisation, not_after)
    logger.info("publications are signed (PAdES B-B) as %s, certificate valid until %s",
                organisation, not_after.date().isoformat())
    chain = tuple(signer.cert_registry) if signer.cert_registry is not None else ()
    trusted = (cert, *(c for c in chain if c.sha256 != cert.sha256))
    return Signing(signer, trusted, organisation, font)


def verify(data: bytes, trusted: Sequence[Any], zone: ZoneInfo) -> dict[str, Any]:
    """pyHanko's check of the signature in ``data``: whether the file is unchanged since it
    was signed (``intact``, the whole file covered) and the signature sound (``valid``), whether
    the certificate leads to one in ``trusted`` (``trusted``), who signed and when."""
    found: dict[str, Any] = {"signed": False, "intact": False, "valid": False,
                             "trusted": False, "coverage": None, "signer": None,
                             "certificate": None, "signed_at": None, "problem": None}
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return {**found, "problem": "The PDF has no digital signature."}
        found["signed"] = True
        context = ValidationContext(trust_roots=list(trusted), allow_fetching=False)
        status = validate_pdf_signature(signatures[-1], context)
    except Exception as exc:  # a damaged file is an answer, not an error
        logger.info("signature check failed: %s", exc)
        return {**found, "problem": f"The signature cannot be checked: {exc}"}
    cert = status.signing_cert
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signed_at = status.signer_reported_dt
    found.update({
        "intact": bool(status.intact and whole),
        "valid": bool(status.intact and status.valid and whole),
        "trusted": bool(status.trusted),
        "coverage": status.coverage.name.lower() if status.coverage else None,
        "signer": _organisation(cert),
        "certificate": {"subject": cert.subject.human_friendly,
                        "issuer": cert.issuer.human_friendly,
                        "serial_number": format(cert.serial_number, "x"),
                        "sha256": cert.sha256.hex(),
                        "not_after": cert["tbs_certificate"]["validity"]["not_after"]
                        .native.astimezone(zone).isoformat()},
        "signed_at": signed_at.astimezone(zone).isoformat() if signed_at else None,
    })
    if not found["valid"]:
        found["problem"] = ("The file was changed after it was signed." if not found["intact"]
                            else "The signature does not match the certificate.")
    elif not found["trusted"]:
        found["problem"] = "The certificate is not the issuing body's configured certificate."
    return found


@cache
def appearance_font(path: Path) -> bytes:
    """The font of the appearance, with the glyphs of Vietnamese and at 1000 units per em:
    pyHanko writes a font's widths as they are in the font, which PDF reads as thousandths of
    the size (Times New Roman and Liberation Serif have 2048 units per em)."""
    font = TTFont(str(path))
    options = subset.Options()
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[*range(0x20, 0x250), *range(0x300, 0x370),
                                 *range(0x1E00, 0x1F00), *range(0x2000, 0x2070)])
    subsetter.subset(font)
    scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _organisation(cert: Any) -> str:
    names = cert.subject.native
    return str(names.get("common_name") or names.get("organization_name") or
               cert.subject.human_friendly)


def _wrapped(text: str, width: int = 34) -> str:
    """A long organisation name on two lines, so the appearance need not shrink it."""
    if len(text) <= width or " " not in text:
        return text
    cut = text.rfind(" ", 0, width)
    return f"{text[:cut]}\n{text[cut + 1:]}" if cut > 0 else text


class _EmbeddedFont(FontEngineFactory):
    """pyHanko's OpenType glyph accumulator on font bytes: its own factory opens the font's
    file and never closes it. The glyphs used are embedded, as PDF/A wants."""

    def __init__(self, font: bytes) -> None:
        self.font = font

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(self.font), font_size=9,
                                obj_stream=obj_stream)


class _AtTime(signers.PdfSigner):
    """pyHanko's signer, with the signing time given (the server's clock, in the meetings'
    time zone) instead of the machine's local time: the same instant in the signature and its
    appearance."""

    def __init__(self, at: datetime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._at = at

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._at
        return session
