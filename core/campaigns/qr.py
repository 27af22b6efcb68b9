"""QR codes of campaign links: SVG for print (scales without blur), PNG for screens."""

from io import BytesIO

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage


def _code(url: str) -> qrcode.QRCode:
    # Medium error correction survives a crumpled or partly covered poster; a border of four
    # modules is the quiet zone the standard asks for.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_svg(url: str) -> bytes:
    """A standalone SVG document with a single path: crisp at any print size."""
    buffer = BytesIO()
    _code(url).make_image(image_factory=SvgPathImage).save(buffer)
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    """A black-on-white PNG, ten pixels per module."""
    buffer = BytesIO()
    _code(url).make_image(image_factory=PilImage).save(buffer)
    return buffer.getvalue()
