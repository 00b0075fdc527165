namespace Vpd.Core.Masks;

/// <summary>
/// A COCO run-length encoding: alternating background/foreground run lengths over the pixels in
/// column-major order (down the first column, then the next), starting with background.
/// This is the representation the COCO mask API works in; decoding turns it row-major.
/// </summary>
public sealed class CocoRle
{
    /// <summary>Wraps run lengths that must cover exactly <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public CocoRle(int height, int width, uint[] counts, string source)
    {
        MaskLimits.CheckSize(height, width, source);
        long covered = 0;
        foreach (var run in counts)
        {
            covered += run;
        }
        if (covered != (long)height * width)
        {
            throw new InvalidDataException(
                $"{source}: RLE runs cover {covered} pixels but a {height}x{width} mask has {(long)height * width}");
        }
        Height = height;
        Width = width;
        Counts = counts;
    }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Run lengths, column-major, the first run is background (it may be 0).</summary>
    public IReadOnlyList<uint> Counts { get; }

    /// <summary>
    /// Decodes the COCO compressed string form (the <c>counts</c> string of a segmentation):
    /// each run is a little-endian sequence of 5-bit groups in characters 48..111 (0x20 = more
    /// groups follow, 0x10 on the last group = negative), and from the fourth run on each value is
    /// a difference to the run two places earlier.
    /// </summary>
    public static CocoRle FromCompressedString(string counts, int height, int width, string source)
    {
        ArgumentNullException.ThrowIfNull(counts);
        MaskLimits.CheckSize(height, width, source);
        var runs = new List<uint>(counts.Length);
        long pixels = (long)height * width;
        long covered = 0;
        var position = 0;
        while (position < counts.Length)
        {
            long value = 0;
            var group = 0;
            var more = true;
            while (more)
            {
                if (position >= counts.Length)
                {
                    throw new InvalidDataException($"{source}: compressed RLE string ends inside a run (at character {position})");
                }
                var c = counts[position] - 48;
                if (c < 0 || c > 63)
                {
                    throw new InvalidDataException(
                        $"{source}: compressed RLE string has character '{counts[position]}' at {position}, outside '0'..'o'");
                }
                // Seven groups carry 35 bits, more than any run in a mask this size needs; longer is corrupt.
                if (group >= 7)
                {
                    throw new InvalidDataException($"{source}: compressed RLE run at character {position} is longer than 7 characters");
                }
                value |= (long)(c & 0x1f) << (5 * group);
                more = (c & 0x20) != 0;
                position++;
                group++;
                if (!more && (c & 0x10) != 0)
                {
                    value |= -1L << (5 * group);
                }
            }
            if (runs.Count > 2)
            {
                value += runs[^2];
            }
            if (value < 0)
            {
                throw new InvalidDataException($"{source}: compressed RLE run {runs.Count} decodes to a negative length {value}");
            }
            covered += value;
            if (covered > pixels)
            {
                throw new InvalidDataException(
                    $"{source}: compressed RLE runs overrun the {height}x{width} mask ({covered} > {pixels} pixels after run {runs.Count})");
            }
            runs.Add((uint)value);
        }
        return new CocoRle(height, width, [.. runs], source);
    }

    /// <summary>The uncompressed form: <c>counts</c> as a plain list of run lengths.</summary>
    public static CocoRle FromUncompressed(IReadOnlyList<long> counts, int height, int width, string source)
    {
        ArgumentNullException.ThrowIfNull(counts);
        MaskLimits.CheckSize(height, width, source);
        var runs = new uint[counts.Count];
        long covered = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] < 0)
            {
                throw new InvalidDataException($"{source}: RLE run {i} is negative ({counts[i]})");
            }
            covered += counts[i];
            if (covered > (long)height * width)
            {
                throw new InvalidDataException(
                    $"{source}: RLE runs overrun the {height}x{width} mask ({covered} > {(long)height * width} pixels after run {i})");
            }
            runs[i] = (uint)counts[i];
        }
        return new CocoRle(height, width, runs, source);
    }

    /// <summary>Row-major indices (y * Width + x) of the foreground pixels, in the RLE's column-major order.</summary>
    public int[] ForegroundIndices()
    {
        var count = 0L;
        for (var j = 1; j < Counts.Count; j += 2)
        {
            count += Counts[j];
        }
        var indices = new int[count];
        var next = 0;
        var columnMajor = 0;
        var foreground = false;
        foreach (var run in Counts)
        {
            if (foreground)
            {
                for (var i = 0; i < run; i++)
                {
                    var index = columnMajor + i;
                    var x = index / Height;
                    indices[next++] = ((index - (x * Height)) * Width) + x;
                }
            }
            columnMajor += (int)run;
            foreground = !foreground;
        }
        return indices;
    }

    /// <summary>Adds 1 to every foreground pixel of <paramref name="rowMajorSums"/> (length Height*Width).</summary>
    public void AddTo(int[] rowMajorSums)
    {
        if (rowMajorSums.Length != Height * Width)
        {
            throw new ArgumentException($"sum buffer has {rowMajorSums.Length} pixels, the RLE {Height * Width}", nameof(rowMajorSums));
        }
        var columnMajor = 0;
        var foreground = false;
        foreach (var run in Counts)
        {
            if (foreground)
            {
                for (var i = 0; i < run; i++)
                {
                    var index = columnMajor + i;
                    var x = index / Height;
                    var y = index - (x * Height);
                    rowMajorSums[(y * Width) + x]++;
                }
            }
            columnMajor += (int)run;
            foreground = !foreground;
        }
    }

    /// <summary>The decoded mask, row-major.</summary>
    public BinaryMask ToMask()
    {
        var sums = new int[Height * Width];
        AddTo(sums);
        var pixels = new byte[sums.Length];
        for (var i = 0; i < sums.Length; i++)
        {
            pixels[i] = (byte)sums[i];
        }
        return new BinaryMask(Width, Height, pixels);
    }
}
