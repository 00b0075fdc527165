using System.Globalization;
using System.Numerics;

namespace Vpd.Core.Metrics;

/// <summary>
/// The exact sum of finite doubles, kept as an integer count of 2^-1074 (the smallest double step).
/// Why: the mean IoU of a run is summed by many workers in whatever order their partial results
/// arrive; a plain running sum would differ in the last bits depending on that order. An exact sum
/// is order independent, merges without loss, and rounds once at the end (as Python's math.fsum).
/// </summary>
public sealed class ExactSum
{
    private const int MinExponent = 1074;
    private const long MantissaMask = (1L << 52) - 1;

    private BigInteger _scaled;

    public ExactSum()
    {
    }

    private ExactSum(BigInteger scaled) => _scaled = scaled;

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "only finite values can be summed exactly");
        }
        var bits = BitConverter.DoubleToInt64Bits(value);
        var biasedExponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & MantissaMask;
        // Subnormals are mantissa * 2^-1074; normals are (2^52 + mantissa) * 2^(e - 1075).
        var scaled = biasedExponent == 0
            ? new BigInteger(mantissa)
            : new BigInteger(mantissa | (1L << 52)) << (biasedExponent - 1);
        _scaled += bits < 0 ? -scaled : scaled;
    }

    public void Add(ExactSum other) => _scaled += other._scaled;

    /// <summary>The sum rounded once to the nearest double (ties to even).</summary>
    public double ToDouble()
    {
        if (_scaled.IsZero)
        {
            return 0.0;
        }
        var negative = _scaled.Sign < 0;
        var magnitude = BigInteger.Abs(_scaled);
        var shift = (int)Math.Max(0, magnitude.GetBitLength() - 53);
        var top = magnitude >> shift;
        if (shift > 0)
        {
            var remainder = magnitude - (top << shift);
            var half = BigInteger.One << (shift - 1);
            if (remainder > half || (remainder == half && !top.IsEven))
            {
                top += 1;
                if (top.GetBitLength() > 53)
                {
                    top >>= 1;
                    shift++;
                }
            }
        }
        double result;
        if (top < (BigInteger.One << 52))
        {
            // Only possible with shift == 0: a subnormal, whose bit pattern is the mantissa itself.
            result = BitConverter.Int64BitsToDouble((long)top);
        }
        else
        {
            var biased = shift + 1;
            result = biased >= 0x7FF
                ? double.PositiveInfinity
                : BitConverter.Int64BitsToDouble(((long)biased << 52) | ((long)top & MantissaMask));
        }
        return negative ? -result : result;
    }

    /// <summary>A lossless text form, for storing a partial sum (integer count of 2^-1074).</summary>
    public override string ToString() => _scaled.ToString(CultureInfo.InvariantCulture);

    public static ExactSum Parse(string text) =>
        new(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    public ExactSum Clone() => new(_scaled);
}
