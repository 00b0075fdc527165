namespace Vpd.Core.Synthetic;

/// <summary>
/// The outline of each shape kind as a COCO polygon. Vertices are rounded to 0.01 px before
/// anything is rasterised, so the numbers written to instances.json are exactly those the
/// truth masks and the painted pixels were made from.
/// </summary>
internal static class ShapePolygons
{
    /// <summary>Enough vertices that a 40 px circle's outline deviates from a true circle by well under a pixel.</summary>
    public const int CircleVertices = 32;

    public static double[] Outline(ShapeKind kind, double centreX, double centreY, double size)
    {
        var half = size / 2;
        double[] points = kind switch
        {
            ShapeKind.Circle => Circle(centreX, centreY, half),
            ShapeKind.Square =>
            [
                centreX - half, centreY - half,
                centreX + half, centreY - half,
                centreX + half, centreY + half,
                centreX - half, centreY + half,
            ],
            // Apex up, base as wide as the shape is tall.
            ShapeKind.Triangle =>
            [
                centreX, centreY - half,
                centreX + half, centreY + half,
                centreX - half, centreY + half,
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown shape kind"),
        };
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = Math.Round(points[i], 2, MidpointRounding.AwayFromZero);
        }
        return points;
    }

    private static double[] Circle(double centreX, double centreY, double radius)
    {
        var points = new double[CircleVertices * 2];
        for (var i = 0; i < CircleVertices; i++)
        {
            var angle = 2 * Math.PI * i / CircleVertices;
            points[2 * i] = centreX + (radius * Math.Cos(angle));
            points[(2 * i) + 1] = centreY + (radius * Math.Sin(angle));
        }
        return points;
    }
}
