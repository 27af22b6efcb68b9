"""The accepted DPA as a PDF: the exact text accepted, followed by the acceptance record."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .dpa import blocks, inline_html
from .models import DpaAcceptance


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"],
        "h2": sheet["Heading2"],
        "body": ParagraphStyle("dpa-body", parent=sheet["BodyText"], leading=14),
        "cell": ParagraphStyle("dpa-cell", parent=sheet["BodyText"], fontSize=9, leading=11),
    }


def acceptance_record(acceptance: DpaAcceptance) -> list[tuple[str, str]]:
    """The rows of the acceptance record, labelled in the active language."""
    case = acceptance.case
    version = acceptance.text.version
    return [
        (_("Controller"), case.name),
        (_("Organisation number"), case.org_number),
        (_("Agreement"), f"{version.get_kind_display()}, {_('version')} {version.number}"),
        (_("Language"), acceptance.text.get_language_display()),
        (_("Accepted by"), acceptance.full_name),
        (_("Title"), acceptance.title),
        (_("Accepted at"), timezone.localtime(acceptance.accepted_at).strftime("%Y-%m-%d %H:%M:%S %Z")),
        (_("IP address"), acceptance.ip or "-"),
        (_("SHA-256 of the text shown"), acceptance.text_sha256),
    ]


def dpa_pdf(acceptance: DpaAcceptance, *, language: str | None = None) -> bytes:
    """Render the accepted text and its record; uncompressed and invariant, so the bytes are stable."""
    text = acceptance.text
    styles = _styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        pageCompression=0,
        title=text.title,
        author="Dugnad",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    story: list[Flowable] = [Paragraph(str(inline_html(text.title)), styles["title"])]
    for block in blocks(text.body):
        if block.kind == "h2":
            story.append(Paragraph(str(inline_html(block.lines[0])), styles["h2"]))
        elif block.kind == "ul":
            items = [ListItem(Paragraph(str(inline_html(line)), styles["body"])) for line in block.lines]
            story.append(ListFlowable(items, bulletType="bullet", leftIndent=12))
        else:
            story.append(Paragraph(str(inline_html(block.lines[0])), styles["body"]))
    with translation.override(language or text.language):
        story += [Spacer(1, 8 * mm), Paragraph(_("Acceptance record"), styles["h2"])]
        rows = [
            [Paragraph(str(inline_html(label)), styles["cell"]), Paragraph(str(inline_html(value)), styles["cell"])]
            for label, value in acceptance_record(acceptance)
        ]
    table = Table(rows, colWidths=(50 * mm, 120 * mm))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    story.append(table)
    document.build(story)
    return buffer.getvalue()


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
