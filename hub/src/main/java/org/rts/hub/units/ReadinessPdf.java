package org.rts.hub.units;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpdf.text.Document;
import org.openpdf.text.DocumentException;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.Rectangle;
import org.openpdf.text.pdf.BaseFont;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;
import org.rts.hub.HubException;

/**
 * The readiness report as a printable PDF (A4 landscape): the election, when it was made, how many units are
 * ready, then a section per region with its units, those not ready first with what to do. DejaVu Sans is embedded,
 * so Arabic names are shaped and set right to left.
 */
public final class ReadinessPdf {
    /** DejaVu Sans (Debian's fonts-dejavu-core), which has Arabic; the report needs it. */
    static final Path FONT = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String[] HEADINGS = {"Unit", "Station", "Last seen", "Battery", "Software", "Ready",
        "Why not", "What to do"};
    private static final float[] WIDTHS = {9, 9, 12, 6, 7, 5, 22, 30};

    private ReadinessPdf() {
    }

    /** Writes the report of {@code lines} (as {@link Readiness#report} orders them) for {@code election}. */
    public static void write(String election, List<Readiness.Line> lines, Instant now, OutputStream out)
            throws IOException {
        if (!Files.isReadable(FONT)) {
            throw new HubException("the readiness PDF needs DejaVu Sans at " + FONT + " (package fonts-dejavu-core)");
        }
        BaseFont base = BaseFont.createFont(FONT.toString(), BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
        Font body = new Font(base, 8);
        Font bold = new Font(base, 8, Font.BOLD);
        Font title = new Font(base, 14, Font.BOLD);
        Font heading = new Font(base, 11, Font.BOLD);
        Document doc = new Document(PageSize.A4.rotate(), 28, 28, 28, 28);
        try {
            PdfWriter.getInstance(doc, out);
            doc.addTitle("Readiness of the units: " + election);
            doc.open();
            long ready = lines.stream().filter(Readiness.Line::ready).count();
            doc.add(new Paragraph("Readiness of the units: " + election, title));
            doc.add(new Paragraph(TIME.format(now) + ": " + ready + " of " + lines.size() + " units ready, "
                    + (lines.size() - ready) + " not ready (listed first in each region, with what to do)", body));
            Map<String, List<Readiness.Line>> regions = new LinkedHashMap<>();
            lines.stream().map(Readiness.Line::region).sorted().distinct()
                    .forEach(r -> regions.put(r, lines.stream().filter(l -> l.region().equals(r)).toList()));
            for (Map.Entry<String, List<Readiness.Line>> region : regions.entrySet()) {
                List<Readiness.Line> units = region.getValue();
                long regionReady = units.stream().filter(Readiness.Line::ready).count();
                PdfPTable h = new PdfPTable(1);
                h.setWidthPercentage(100);
                h.setSpacingBefore(10);
                h.setSpacingAfter(4);
                PdfPCell name = cell("Region " + (region.getKey().isEmpty() ? "(none)" : region.getKey()) + ": "
                        + regionReady + " of " + units.size() + " ready", heading);
                name.setBorder(Rectangle.NO_BORDER);
                h.addCell(name);
                doc.add(h);
                doc.add(table(units, body, bold));
            }
            doc.close();
        } catch (DocumentException e) {
            throw new IOException("cannot write the readiness PDF: " + e.getMessage(), e);
        }
    }

    private static PdfPTable table(List<Readiness.Line> units, Font body, Font bold) {
        PdfPTable table = new PdfPTable(WIDTHS);
        table.setWidthPercentage(100);
        table.setHeaderRows(1);
        for (String heading : HEADINGS) {
            table.addCell(cell(heading, bold));
        }
        for (Readiness.Line l : units) {
            table.addCell(cell(l.device(), body));
            table.addCell(cell(l.station(), body));
            table.addCell(cell(l.lastSeen() == null ? "never" : TIME.format(l.lastSeen()), body));
            table.addCell(cell(l.battery() == null ? "?" : Math.round(l.battery()) + " %"
                    + (Boolean.TRUE.equals(l.mains()) ? " (mains)" : ""), body));
            table.addCell(cell(l.software() == null ? "?" : l.software(), body));
            table.addCell(cell(l.ready() ? "yes" : "NO", l.ready() ? body : bold));
            table.addCell(cell(String.join("; ", l.why()), body));
            table.addCell(cell(String.join("; ", l.todo()), body));
        }
        return table;
    }

    /** A cell whose text is set right to left when it holds Arabic, left to right otherwise. */
    private static PdfPCell cell(String value, Font font) {
        String shown = text(value);
        PdfPCell cell = new PdfPCell(new Phrase(shown, font));
        boolean arabic = shown.codePoints().anyMatch(c -> Character.UnicodeBlock.of(c)
                == Character.UnicodeBlock.ARABIC);
        cell.setRunDirection(arabic ? PdfWriter.RUN_DIRECTION_RTL : PdfWriter.RUN_DIRECTION_LTR);
        cell.setHorizontalAlignment(arabic ? Element.ALIGN_RIGHT : Element.ALIGN_LEFT);
        cell.setPadding(3);
        return cell;
    }

    /** Control and bidi override characters from a name are shown as their code, never obeyed. */
    private static String text(String value) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                    || c == 0x200E || c == 0x200F) {
                sb.append(String.format("[U+%04X]", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
