"""The lägesbild PDF: no blank page at the end, and a Swedish file name (issue #13: a blank
third page, and "quarter" in the name)."""

import base64
import re
import zlib
from urllib.parse import unquote

from django.urls import reverse

from incidents.models import SituationPicture
from incidents.pdf import situation_picture_pdf
from tests.incidents.test_situation_pages import agreed  # noqa: F401 (fixture)


def _pages_text_operations(pdf: bytes) -> list[int]:
    """The number of text-drawing operations on each page (the footer alone draws two)."""
    counts = []
    # reportlab writes each page's content as ASCII85 over Flate.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        encoded = stream.strip()
        encoded = encoded[:-2] if encoded.endswith(b"~>") else encoded
        content = zlib.decompress(base64.a85decode(encoded))
        if b"BT" in content:
            counts.append(content.count(b" Tj") + content.count(b" TJ"))
    return counts


def test_no_page_holds_the_footer_alone_whatever_the_length_of_the_text(agreed):  # noqa: F811
    # Each added line moves the end of the document by less than the old trailing space, so
    # one of these lengths ends a page with too little room left for it.
    for lines in range(0, 70, 1):
        SituationPicture.objects.filter(pk=agreed.pk).update(
            assessment="\n".join(f"Bedömning, rad {n}" for n in range(lines))
        )
        agreed.refresh_from_db()
        pages = _pages_text_operations(situation_picture_pdf(picture=agreed))
        assert pages and min(pages) > 2, (lines, pages)


def test_it_names_the_file_in_swedish_ascii_safe_with_the_utf8_name_too(
    client,
    agreed,  # noqa: F811
    police_centrum,
):
    client.force_login(police_centrum)
    response = client.get(reverse("incidents:situationpicture_pdf", args=[agreed.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="lagesbild-centrum-2024-kvartal-4.pdf"')
    assert "quarter" not in disposition
    disposition.encode("ascii")
    utf8_name = disposition.split("filename*=UTF-8''")[1]
    assert unquote(utf8_name) == "lägesbild-centrum-2024-kvartal-4.pdf"
