namespace Vpd.Core.Masks;

/// <summary>
/// The COCO mask API's polygon-to-RLE conversion (<c>rleFrPoly</c> in pycocotools' maskApi.c),
/// reproduced step for step so that masks agree bit for bit with the reference data loader:
/// vertices are scaled by 5 and rounded, every edge is traced densely on that fine grid, the
/// points where the traced boundary changes column are mapped back to pixel columns (only those
/// falling exactly on a pixel centre are kept), and their rows become run boundaries of a
/// column-major RLE. Arithmetic follows the C code: truncating int casts, doubles, unsigned runs.
/// </summary>
public static class CocoPolygonRasterizer
{
    private const double Scale = 5;

    /// <summary>Hard cap on traced boundary points (a polygon spanning millions of pixels is bad data).</summary>
    private const long MaxTracedPoints = 64L * 1024 * 1024;

    /// <summary>Rasterises one polygon given as <c>x1, y1, x2, y2, ...</c> in pixel coordinates.</summary>
    public static CocoRle Rasterize(ReadOnlySpan<double> xy, int height, int width, string source)
    {
        MaskLimits.CheckSize(height, width, source);
        if (xy.Length % 2 != 0)
        {
            throw new InvalidDataException($"{source}: polygon has an odd number of coordinates ({xy.Length})");
        }
        var k = xy.Length / 2;
        if (k == 0)
        {
            throw new InvalidDataException($"{source}: polygon has no vertices");
        }
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (var j = 0; j < k; j++)
        {
            x[j] = ScaledVertex(xy[2 * j], source);
            y[j] = ScaledVertex(xy[(2 * j) + 1], source);
        }
        x[k] = x[0];
        y[k] = y[0];

        // Trace every edge on the 5x grid, one point per step along its longer axis.
        long total = 0;
        for (var j = 0; j < k; j++)
        {
            total += Math.Max(Math.Abs(x[j] - x[j + 1]), Math.Abs(y[j] - y[j + 1])) + 1;
        }
        if (total > MaxTracedPoints)
        {
            throw new InvalidDataException($"{source}: polygon outline is too long to rasterise ({total} traced points)");
        }
        var u = new int[total];
        var v = new int[total];
        var m = 0;
        for (var j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            var dx = Math.Abs(xe - xs);
            var dy = Math.Abs(ys - ye);
            // Edges are always walked in increasing order of their major axis, then mapped back.
            var flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip)
            {
                (xs, xe) = (xe, xs);
                (ys, ye) = (ye, ys);
            }
            if (dx >= dy)
            {
                var slope = (double)(ye - ys) / dx;
                for (var d = 0; d <= dx; d++)
                {
                    var t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int)(ys + (slope * t) + .5);
                    m++;
                }
            }
            else
            {
                var slope = (double)(xe - xs) / dy;
                for (var d = 0; d <= dy; d++)
                {
                    var t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int)(xs + (slope * t) + .5);
                    m++;
                }
            }
        }

        // Where the outline crosses from one fine column to the next, record the pixel column (if
        // the crossing sits on a pixel centre) and the first pixel row below the crossing.
        var boundaries = new List<uint>();
        for (var j = 1; j < m; j++)
        {
            if (u[j] == u[j - 1])
            {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = ((xd + .5) / Scale) - .5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1)
            {
                continue;
            }
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = ((yd + .5) / Scale) - .5;
            if (yd < 0)
            {
                yd = 0;
            }
            else if (yd > height)
            {
                yd = height;
            }
            yd = Math.Ceiling(yd);
            boundaries.Add((uint)(((int)xd * height) + (int)yd));
        }
        boundaries.Add((uint)(height * width));
        boundaries.Sort();

        // Successive differences are the runs; an empty run merges its neighbours (toggling twice).
        var deltas = new uint[boundaries.Count];
        uint previous = 0;
        for (var j = 0; j < boundaries.Count; j++)
        {
            deltas[j] = boundaries[j] - previous;
            previous = boundaries[j];
        }
        var runs = new List<uint>(deltas.Length) { deltas[0] };
        var i = 1;
        while (i < deltas.Length)
        {
            if (deltas[i] > 0)
            {
                runs.Add(deltas[i++]);
            }
            else
            {
                i++;
                if (i < deltas.Length)
                {
                    runs[^1] += deltas[i++];
                }
            }
        }
        return new CocoRle(height, width, [.. runs], source);
    }

    private static int ScaledVertex(double coordinate, string source)
    {
        if (!double.IsFinite(coordinate) || Math.Abs(coordinate) > MaskLimits.MaxCoordinate)
        {
            throw new InvalidDataException(
                $"{source}: polygon coordinate {coordinate} is not a finite number within +-{MaskLimits.MaxCoordinate}");
        }
        // C's (int) cast truncates toward zero, which C# matches; that matters for negative coordinates.
        return (int)((Scale * coordinate) + .5);
    }
}
