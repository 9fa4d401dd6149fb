"""The PDF edition (newsletters/pdf_edition.py) of the Summer 2022 issue:
opened with pikepdf, its text read with poppler's pdftotext and its pages
drawn with pdftoppm, as a reader's software would."""

import io
import re
import subprocess

import pikepdf
import pytest
from django.core.management import call_command
from PIL import Image

from newsletters.models import Issue
from newsletters.pdf_edition import LocalFiles, pdf_bytes

pytestmark = pytest.mark.django_db

XMP_PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"


@pytest.fixture
def summer_2022():
    call_command("load_demo")
    return Issue.objects.get(slug="summer-2022")


def text_of(data, tmp_path):
    path = tmp_path / "edition.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def links_of(pdf):
    return [
        str(annotation.A.URI)
        for page in pdf.pages
        for annotation in page.get("/Annots", [])
        if annotation.get("/Subtype") == "/Link" and "/A" in annotation and "/URI" in annotation.A
    ]


def test_the_summer_2022_pdf_is_a_tagged_accessible_document(summer_2022, tmp_path):
    data = pdf_bytes(summer_2022, "en")

    pdf = pikepdf.open(io.BytesIO(data))
    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked
    assert str(pdf.Root.Lang) == "en"
    assert str(pdf.docinfo.Title) == "Summer 2022 · WTO MSME Group Newsletter"
    with pdf.open_metadata() as xmp:
        assert xmp.get(XMP_PDFUA_PART) == "1"
    # One bookmark per section, in the issue's order, numbered ones numbered.
    sections = list(summer_2022.sections.filter(parent=None).order_by("order", "pk"))
    expected = [f"{s.number} {s.title}" if s.number else s.title for s in sections]
    with pdf.open_outline() as outline:
        assert [str(item.title) for item in outline.root] == expected
    # Every section title as text, in order, after the cover's contents.
    text = " ".join(text_of(data, tmp_path).split())
    body = text[text.index("Read it online") :]
    positions = [body.find(title) for title in expected]
    assert -1 not in positions and positions == sorted(positions)
    assert "94 WTO Members" in text or "94 Members" in text
    # Links work: to the issue online, and the document symbols' pages.
    links = links_of(pdf)
    assert any(link.endswith("/en/issues/summer-2022/") for link in links)
    assert any("docs.wto.org" in link and "INF/MSME/4" in link for link in links)
    assert len(pdf.pages) >= 10


def test_the_pdf_embeds_the_sites_own_fonts_and_its_pages_are_not_blank(summer_2022, tmp_path):
    path = tmp_path / "edition.pdf"
    path.write_bytes(pdf_bytes(summer_2022, "en"))

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), fonts.stdout
    assert any("Source-Sans-3" in row for row in rows)
    assert any("Source-Serif-4" in row for row in rows)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(path), str(tmp_path / "page")],
        check=True,
    )
    for page in sorted(tmp_path.glob("page-*.png")):
        grey = Image.open(page).convert("L")
        # Ink on at least 1 % of the page (a blank page has none).
        inked = sum(grey.histogram()[:230])
        assert inked / (grey.width * grey.height) > 0.01, page.name


def test_the_french_pdf_is_in_french(summer_2022, tmp_path):
    data = pdf_bytes(summer_2022, "fr")

    pdf = pikepdf.open(io.BytesIO(data))
    assert str(pdf.Root.Lang) == "fr"
    assert "Été 2022" in str(pdf.docinfo.Title)
    text = text_of(data, tmp_path)
    assert "Dans ce numéro" in text
    assert any("/fr/issues/summer-2022/" in link for link in links_of(pdf))


@pytest.mark.parametrize(
    "url",
    ["https://tracker.example.org/pixel.png", "file:///etc/passwd", "http://169.254.169.254/"],
)
def test_the_pdf_reads_nothing_from_outside_the_site(url):
    with pytest.raises(ValueError, match="reads no file"):
        LocalFiles().fetch(url)
