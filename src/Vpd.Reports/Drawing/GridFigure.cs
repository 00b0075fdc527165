using SkiaSharp;
using Vpd.Core.Imaging;
using Vpd.Reports.Figures;

namespace Vpd.Reports.Drawing;

/// <summary>A line of text under a picture; <paramref name="Muted"/> draws it grey.</summary>
internal sealed record CaptionLine(string Text, bool Bold = false, bool Muted = false);

/// <summary>One cell of a grid figure: a picture (null leaves a blank, with <paramref name="Missing"/> written in it), a title above, caption lines below.</summary>
internal sealed record GridCell(RgbImage? Picture, string? Title = null, IReadOnlyList<CaptionLine>? Caption = null, string? Missing = null, bool MutedTitle = false);

/// <summary>A legend entry: a colour swatch and its meaning.</summary>
internal sealed record LegendItem(Rgb Colour, string Text);

/// <summary>The composed figure and where each cell's picture landed (for tests and image maps).</summary>
internal sealed record ComposedFigure(SKBitmap Bitmap, IReadOnlyDictionary<(int Row, int Column), SKRectI> Pictures) : IDisposable
{
    public byte[] ToPng()
    {
        using var image = SKImage.FromBitmap(Bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose() => Bitmap.Dispose();
}

/// <summary>
/// Lays pictures out in rows and columns with optional column titles, row titles, per-cell titles and
/// captions, a heading and a legend; white background, text in the embedded font. Pictures are copied pixel
/// for pixel at whole-pixel offsets (never resampled), so what a painter drew is exactly what the PNG holds.
/// </summary>
internal sealed class GridFigure(FigureStyle style)
{
    private const int Margin = 14;
    private const int Gap = 12;
    private const int RowTitleMaxWidth = 170;

    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor MutedInk = new(0x70, 0x70, 0x70);
    private static readonly SKColor Blank = new(0xee, 0xee, 0xee);

    public string? Heading { get; init; }

    public IReadOnlyList<string>? ColumnTitles { get; init; }

    public IReadOnlyList<string>? RowTitles { get; init; }

    public IReadOnlyList<LegendItem>? Legend { get; init; }

    public string? Note { get; init; }

    public ComposedFigure Render(IReadOnlyList<IReadOnlyList<GridCell?>> rows)
    {
        using var font = new SKFont(ReportFonts.Regular, style.FontSize) { Subpixel = true, Edging = SKFontEdging.Antialias };
        using var bold = new SKFont(ReportFonts.Bold, style.FontSize) { Subpixel = true, Edging = SKFontEdging.Antialias };
        using var headingFont = new SKFont(ReportFonts.Bold, style.FontSize * 1.25f) { Edging = SKFontEdging.Antialias };
        var lineHeight = (int)Math.Ceiling(style.FontSize * 1.35f);
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);

        var columnWidths = new int[columns];
        for (var c = 0; c < columns; c++)
        {
            columnWidths[c] = Math.Max(48, rows.Max(r => c < r.Count && r[c]?.Picture is { } p ? p.Width : 0));
        }
        var rowTitleWidth = RowTitles is null ? 0
            : (int)Math.Ceiling(Math.Min(RowTitleMaxWidth, RowTitles.SelectMany(t => t.Split('\n')).Max(t => bold.MeasureText(t)) + 4));
        var columnTitleLines = ColumnTitles is null ? null
            : Enumerable.Range(0, columns).Select(c => c < ColumnTitles.Count
                ? TextLayout.Wrap(ColumnTitles[c], bold, columnWidths[c], 2) : []).ToArray();
        var rowTitleLines = RowTitles?.Select(t => TextLayout.Wrap(t, bold, rowTitleWidth, 6)).ToArray();

        // Row geometry: title band, picture band, caption band.
        var layouts = rows.Select((row, r) =>
        {
            var titled = row.Any(cell => cell?.Title is not null);
            var pictureHeight = Math.Max(32, row.Max(cell => cell?.Picture?.Height ?? 0));
            var captions = row.Select((cell, c) => WrapCaption(cell, c < columnWidths.Length ? columnWidths[c] : 0, font, bold)).ToArray();
            var captionLines = captions.Length == 0 ? 0 : captions.Max(lines => lines.Count);
            return (Titled: titled, PictureHeight: pictureHeight, Captions: captions, CaptionLines: captionLines);
        }).ToArray();

        var headingHeight = Heading is null ? 0 : lineHeight + 8;
        var columnTitleHeight = columnTitleLines is null ? 0 : (columnTitleLines.Max(l => l.Count) * lineHeight) + 4;
        var legendHeight = Legend is null && Note is null ? 0 : lineHeight + 8;
        var width = (2 * Margin) + (rowTitleWidth > 0 ? rowTitleWidth + Gap : 0) + columnWidths.Sum() + (Gap * Math.Max(0, columns - 1));
        var height = (2 * Margin) + headingHeight + columnTitleHeight + legendHeight
            + layouts.Sum(l => (l.Titled ? lineHeight : 0) + l.PictureHeight + (l.CaptionLines * lineHeight) + 4)
            + (Gap * Math.Max(0, rows.Count - 1));
        if (Heading is not null)
        {
            width = Math.Max(width, (2 * Margin) + (int)Math.Ceiling(headingFont.MeasureText(Heading)));
        }
        if (Legend is not null || Note is not null)
        {
            width = Math.Max(width, (2 * Margin) + (int)Math.Ceiling(LegendWidth(font)));
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pictures = new Dictionary<(int, int), SKRectI>();
        using (var canvas = new SKCanvas(bitmap))
        using (var ink = new SKPaint { Color = Ink, IsAntialias = true })
        using (var muted = new SKPaint { Color = MutedInk, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            var y = Margin;
            if (Heading is not null)
            {
                canvas.DrawText(Heading, Margin, y - headingFont.Metrics.Ascent, SKTextAlign.Left, headingFont, ink);
                y += headingHeight;
            }
            var left = Margin + (rowTitleWidth > 0 ? rowTitleWidth + Gap : 0);
            if (columnTitleLines is not null)
            {
                var x = left;
                for (var c = 0; c < columns; c++)
                {
                    DrawLines(canvas, columnTitleLines[c], x + (columnWidths[c] / 2f), y, lineHeight, SKTextAlign.Center, bold, ink);
                    x += columnWidths[c] + Gap;
                }
                y += columnTitleHeight;
            }
            for (var r = 0; r < rows.Count; r++)
            {
                var layout = layouts[r];
                var pictureTop = y + (layout.Titled ? lineHeight : 0);
                if (rowTitleLines is not null && r < rowTitleLines.Length)
                {
                    var lines = rowTitleLines[r];
                    var top = pictureTop + ((layout.PictureHeight - (lines.Count * lineHeight)) / 2f);
                    DrawLines(canvas, lines, Margin, top, lineHeight, SKTextAlign.Left, bold, ink);
                }
                var x = left;
                for (var c = 0; c < columns; c++)
                {
                    var cell = c < rows[r].Count ? rows[r][c] : null;
                    if (cell is not null)
                    {
                        var cellWidth = columnWidths[c];
                        if (cell.Title is not null)
                        {
                            var title = TextLayout.Shorten(cell.Title, bold, cellWidth);
                            canvas.DrawText(title, x + (cellWidth / 2f), y - bold.Metrics.Ascent + 1, SKTextAlign.Center, bold, cell.MutedTitle ? muted : ink);
                        }
                        if (cell.Picture is { } picture)
                        {
                            var px = x + ((cellWidth - picture.Width) / 2);
                            using var image = ToSkImage(picture);
                            canvas.DrawImage(image, px, pictureTop, new SKSamplingOptions(SKFilterMode.Nearest));
                            pictures[(r, c)] = new SKRectI(px, pictureTop, px + picture.Width, pictureTop + picture.Height);
                        }
                        else
                        {
                            DrawMissing(canvas, cell.Missing ?? "no picture", x, pictureTop, cellWidth, layout.PictureHeight, font, muted);
                        }
                        var captionTop = pictureTop + layout.PictureHeight + 3;
                        foreach (var (line, i) in layout.Captions[c].Select((l, i) => (l, i)))
                        {
                            var f = line.Bold ? bold : font;
                            canvas.DrawText(line.Text, x, captionTop + (i * lineHeight) - f.Metrics.Ascent, SKTextAlign.Left, f, line.Muted ? muted : ink);
                        }
                    }
                    x += columnWidths[c] + Gap;
                }
                y = pictureTop + layout.PictureHeight + (layout.CaptionLines * lineHeight) + 4 + Gap;
            }
            if (Legend is not null || Note is not null)
            {
                DrawLegend(canvas, Margin, height - Margin - lineHeight, lineHeight, font, ink, muted);
            }
        }
        return new ComposedFigure(bitmap, pictures);
    }

    private IReadOnlyList<CaptionLine> WrapCaption(GridCell? cell, int width, SKFont font, SKFont bold)
    {
        if (cell?.Caption is null || width <= 0)
        {
            return [];
        }
        var lines = new List<CaptionLine>();
        foreach (var line in cell.Caption)
        {
            var f = line.Bold ? bold : font;
            lines.AddRange(TextLayout.Wrap(line.Text, f, width, style.CaptionLines).Select(text => line with { Text = text }));
        }
        return lines;
    }

    private float LegendWidth(SKFont font)
    {
        var width = 0f;
        foreach (var item in Legend ?? [])
        {
            width += font.Size + 6 + font.MeasureText(item.Text) + 18;
        }
        return width + (Note is null ? 0 : font.MeasureText(Note));
    }

    private void DrawLegend(SKCanvas canvas, float x, float top, int lineHeight, SKFont font, SKPaint ink, SKPaint muted)
    {
        var baseline = top - font.Metrics.Ascent;
        foreach (var item in Legend ?? [])
        {
            using var swatch = new SKPaint { Color = new SKColor(item.Colour.R, item.Colour.G, item.Colour.B) };
            var box = font.Size * 0.9f;
            canvas.DrawRect(x, top + ((lineHeight - box) / 2) - 1, box, box, swatch);
            x += box + 6;
            canvas.DrawText(item.Text, x, baseline, SKTextAlign.Left, font, ink);
            x += font.MeasureText(item.Text) + 18;
        }
        if (Note is not null)
        {
            canvas.DrawText(Note, x, baseline, SKTextAlign.Left, font, muted);
        }
    }

    private static void DrawLines(SKCanvas canvas, IReadOnlyList<string> lines, float x, float top, int lineHeight, SKTextAlign align, SKFont font, SKPaint paint)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            canvas.DrawText(lines[i], x, top + (i * lineHeight) - font.Metrics.Ascent, align, font, paint);
        }
    }

    private static void DrawMissing(SKCanvas canvas, string text, int x, int y, int width, int height, SKFont font, SKPaint paint)
    {
        using var fill = new SKPaint { Color = Blank };
        canvas.DrawRect(x, y, width, height, fill);
        var lines = TextLayout.Wrap(text, font, width - 12, 4);
        var lineHeight = font.Size * 1.3f;
        DrawLines(canvas, lines, x + (width / 2f), y + ((height - (lines.Count * lineHeight)) / 2), (int)lineHeight, SKTextAlign.Center, font, paint);
    }

    internal static SKImage ToSkImage(RgbImage picture)
    {
        var rgba = new byte[picture.Width * picture.Height * 4];
        for (int p = 0, q = 0; p < picture.Pixels.Length; p += 3, q += 4)
        {
            rgba[q] = picture.Pixels[p];
            rgba[q + 1] = picture.Pixels[p + 1];
            rgba[q + 2] = picture.Pixels[p + 2];
            rgba[q + 3] = 255;
        }
        var info = new SKImageInfo(picture.Width, picture.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        return SKImage.FromPixelCopy(info, rgba, info.RowBytes);
    }
}
