using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Core.Synthetic;

/// <summary>A shape placed in a scene, before ids and sentences are attached.</summary>
internal sealed record PlacedShape(ShapeKind Kind, string Colour, double[] Polygon, BinaryMask Mask, long Area, double CentreX, double CentreY);

/// <summary>
/// Places 2-5 shapes on a noisy grey background and paints them. Occlusion is ruled out: a
/// shape is only placed where it and its one-pixel border touch no other shape. So every shape
/// is wholly visible, its truth (its polygon rasterised by the COCO mask API, which is what the
/// reader gives back) is exactly the set of pixels painted in its colour, and no visible-region
/// polygons are needed: disjoint shapes are the simplest way to keep truth and pixels identical.
/// </summary>
internal static class SceneComposer
{
    private const int PlacementAttempts = 60;
    private const int ColourJitter = 12;
    private const int BackgroundNoise = 14;

    public static (RgbImage Pixels, IReadOnlyList<PlacedShape> Shapes) Compose(RefShapesOptions options, SplitMix64 random, string source)
    {
        var size = options.ImageSize;
        var target = random.NextInt(options.MinShapes, options.MaxShapes);
        var occupied = new bool[size * size];
        var shapes = new List<PlacedShape>(target);
        var pixels = PaintBackground(size, random);
        for (var attempt = 0; attempt < PlacementAttempts * target && shapes.Count < target; attempt++)
        {
            var kind = random.Pick(ShapeKindWords.All);
            var colour = random.Pick(ShapeColour.Palette);
            var shapeSize = random.NextInt(options.MinShapeSize, options.MaxShapeSize);
            // Keep the outline one pixel inside the image so no shape is cut by the border.
            var half = shapeSize / 2.0;
            var centreX = random.NextDouble(half + 1, size - 2 - half);
            var centreY = random.NextDouble(half + 1, size - 2 - half);
            var polygon = ShapePolygons.Outline(kind, centreX, centreY, shapeSize);
            // One polygon: its COCO rasterisation is the truth the reader will compute (sum == 1 is the mask itself).
            var foreground = CocoPolygonRasterizer.Rasterize(polygon, size, size, $"{source} {kind.Word()}").ForegroundIndices();
            if (foreground.Length == 0 || Array.Exists(foreground, i => occupied[i]))
            {
                continue;
            }
            Occupy(foreground, occupied, size);
            var mask = new byte[size * size];
            double sumX = 0, sumY = 0;
            foreach (var i in foreground)
            {
                mask[i] = 1;
                sumX += i % size;
                sumY += i / size;
            }
            Paint(pixels, foreground, colour, random);
            shapes.Add(new PlacedShape(
                kind, colour.Name, polygon, new BinaryMask(size, size, mask), foreground.Length,
                sumX / foreground.Length, sumY / foreground.Length));
        }
        return (new RgbImage(size, size, pixels), shapes);
    }

    /// <summary>Marks the shape and its 8-neighbourhood, keeping a one-pixel gap between shapes.</summary>
    private static void Occupy(int[] foreground, bool[] occupied, int size)
    {
        foreach (var i in foreground)
        {
            int x = i % size, y = i / size;
            for (var ny = Math.Max(y - 1, 0); ny <= Math.Min(y + 1, size - 1); ny++)
            {
                for (var nx = Math.Max(x - 1, 0); nx <= Math.Min(x + 1, size - 1); nx++)
                {
                    occupied[(ny * size) + nx] = true;
                }
            }
        }
    }

    /// <summary>Grey-ish: a random grey level with a faint tint, plus per-pixel noise (one random draw per pixel).</summary>
    private static byte[] PaintBackground(int size, SplitMix64 random)
    {
        var pixels = new byte[size * size * 3];
        var grey = random.NextInt(100, 160);
        int[] tint = [random.NextInt(-8, 8), random.NextInt(-8, 8), random.NextInt(-8, 8)];
        for (var i = 0; i < size * size; i++)
        {
            // 16 bits per field; the modulo bias of 16-bit fields over tiny ranges is immaterial for noise.
            var bits = random.NextUInt64();
            var noise = (int)(bits & 0xFFFF) % ((2 * BackgroundNoise) + 1) - BackgroundNoise;
            for (var c = 0; c < 3; c++)
            {
                var jitter = (int)((bits >> (16 * (c + 1))) & 0xFFFF) % 7 - 3;
                pixels[(i * 3) + c] = ClampByte(grey + tint[c] + noise + jitter);
            }
        }
        return pixels;
    }

    private static void Paint(byte[] pixels, int[] foreground, ShapeColour colour, SplitMix64 random)
    {
        var r = ClampByte(colour.R + random.NextInt(-ColourJitter, ColourJitter));
        var g = ClampByte(colour.G + random.NextInt(-ColourJitter, ColourJitter));
        var b = ClampByte(colour.B + random.NextInt(-ColourJitter, ColourJitter));
        foreach (var i in foreground)
        {
            pixels[i * 3] = r;
            pixels[(i * 3) + 1] = g;
            pixels[(i * 3) + 2] = b;
        }
    }

    private static byte ClampByte(int value) => (byte)Math.Clamp(value, 0, 255);
}
