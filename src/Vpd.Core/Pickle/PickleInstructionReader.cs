using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Vpd.Core.Pickle;

/// <summary>
/// Decodes a pickle byte stream into instructions without executing anything; both the global scan and
/// the restricted unpickler read through it, so they agree on every opcode boundary.
/// </summary>
public static class PickleInstructionReader
{
    /// <summary>Yields instructions up to and including STOP; throws naming <paramref name="source"/> on malformed data.</summary>
    public static IEnumerable<PickleInstruction> Read(byte[] data, string source)
    {
        var pos = 0;
        while (true)
        {
            if (pos >= data.Length)
            {
                throw Malformed(source, pos, "ends without a STOP opcode");
            }
            var start = pos;
            var op = data[pos++];
            object? arg = op switch
            {
                PickleOp.Proto or PickleOp.BinInt1 or PickleOp.BinGet or PickleOp.BinPut or PickleOp.Ext1 => (long)Take(data, ref pos, 1, source)[0],
                PickleOp.BinInt2 or PickleOp.Ext2 => (long)BinaryPrimitives.ReadUInt16LittleEndian(Take(data, ref pos, 2, source)),
                PickleOp.BinInt => (long)BinaryPrimitives.ReadInt32LittleEndian(Take(data, ref pos, 4, source)),
                PickleOp.LongBinGet or PickleOp.LongBinPut or PickleOp.Ext4 => (long)BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref pos, 4, source)),
                PickleOp.Frame => (long)BinaryPrimitives.ReadUInt64LittleEndian(Take(data, ref pos, 8, source)),
                PickleOp.BinFloat => BinaryPrimitives.ReadDoubleBigEndian(Take(data, ref pos, 8, source)),
                PickleOp.Long1 => LittleEndianInteger(Take(data, ref pos, Take(data, ref pos, 1, source)[0], source)),
                PickleOp.Long4 => LittleEndianInteger(Take(data, ref pos, Length32(data, ref pos, source, signed: true), source)),
                PickleOp.BinUnicode => Utf8(Take(data, ref pos, Length32(data, ref pos, source, signed: false), source), source, start),
                PickleOp.ShortBinUnicode => Utf8(Take(data, ref pos, Take(data, ref pos, 1, source)[0], source), source, start),
                PickleOp.BinUnicode8 => Utf8(Take(data, ref pos, Length64(data, ref pos, source), source), source, start),
                PickleOp.BinString => Encoding.Latin1.GetString(Take(data, ref pos, Length32(data, ref pos, source, signed: true), source)),
                PickleOp.ShortBinString => Encoding.Latin1.GetString(Take(data, ref pos, Take(data, ref pos, 1, source)[0], source)),
                PickleOp.BinBytes => Take(data, ref pos, Length32(data, ref pos, source, signed: false), source).ToArray(),
                PickleOp.ShortBinBytes => Take(data, ref pos, Take(data, ref pos, 1, source)[0], source).ToArray(),
                PickleOp.BinBytes8 or PickleOp.ByteArray8 => Take(data, ref pos, Length64(data, ref pos, source), source).ToArray(),
                PickleOp.Int => ParseIntLine(Line(data, ref pos, source), source, start),
                PickleOp.Long => ParseLongLine(Line(data, ref pos, source), source, start),
                PickleOp.Float => double.Parse(Line(data, ref pos, source), NumberStyles.Float, CultureInfo.InvariantCulture),
                PickleOp.String => PythonLiterals.DecodeQuotedString(Line(data, ref pos, source), source, start),
                PickleOp.Unicode => PythonLiterals.DecodeRawUnicodeEscape(Line(data, ref pos, source)),
                PickleOp.Get or PickleOp.Put => ParseMemoLine(Line(data, ref pos, source), source, start),
                PickleOp.PersId => Line(data, ref pos, source),
                PickleOp.Global or PickleOp.Inst => new GlobalName(Line(data, ref pos, source), Line(data, ref pos, source)),
                PickleOp.Mark or PickleOp.Stop or PickleOp.Pop or PickleOp.PopMark or PickleOp.Dup or PickleOp.None
                    or PickleOp.BinPersId or PickleOp.Reduce or PickleOp.Append or PickleOp.Build or PickleOp.Dict
                    or PickleOp.EmptyDict or PickleOp.Appends or PickleOp.List or PickleOp.EmptyList or PickleOp.Obj
                    or PickleOp.SetItem or PickleOp.Tuple or PickleOp.EmptyTuple or PickleOp.SetItems or PickleOp.NewObj
                    or PickleOp.Tuple1 or PickleOp.Tuple2 or PickleOp.Tuple3 or PickleOp.NewTrue or PickleOp.NewFalse
                    or PickleOp.EmptySet or PickleOp.AddItems or PickleOp.FrozenSet or PickleOp.NewObjEx
                    or PickleOp.StackGlobal or PickleOp.Memoize or PickleOp.NextBuffer or PickleOp.ReadOnlyBuffer => null,
                _ => throw Malformed(source, start, $"has unknown opcode 0x{op:x2}"),
            };
            yield return new PickleInstruction(op, arg, start);
            if (op == PickleOp.Stop)
            {
                yield break;
            }
        }
    }

    private static ReadOnlySpan<byte> Take(byte[] data, ref int pos, long count, string source)
    {
        if (count < 0 || count > data.Length - pos)
        {
            throw Malformed(source, pos, $"is truncated (needs {count} more bytes)");
        }
        var span = new ReadOnlySpan<byte>(data, pos, (int)count);
        pos += (int)count;
        return span;
    }

    private static long Length32(byte[] data, ref int pos, string source, bool signed)
    {
        var bytes = Take(data, ref pos, 4, source);
        return signed ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private static long Length64(byte[] data, ref int pos, string source)
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(Take(data, ref pos, 8, source));
        return value > int.MaxValue ? -1 : (long)value;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string source, long position)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Malformed(source, position, $"has invalid UTF-8 text: {e.Message}");
        }
    }

    private static string Line(byte[] data, ref int pos, string source)
    {
        var end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0)
        {
            throw Malformed(source, pos, "has a text argument without its newline");
        }
        var line = Encoding.Latin1.GetString(data, pos, end - pos);
        pos = end + 1;
        return line;
    }

    // Two's-complement little-endian, as LONG1/LONG4 store it; kept as long when it fits.
    private static object LittleEndianInteger(ReadOnlySpan<byte> bytes) => LongWhenItFits(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));

    // Boxed explicitly: in `fits ? (long)value : value` C# converts the long back to BigInteger (the
    // conditional's type), and every consumer that expects a long would refuse a well-formed int.
    private static object LongWhenItFits(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    private static object ParseIntLine(string line, string source, long position) => line switch
    {
        "00" => false,
        "01" => true,
        _ => long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Malformed(source, position, $"has an INT argument that is not a number: '{line}'"),
    };

    private static object ParseLongLine(string line, string source, long position)
    {
        var digits = line.EndsWith('L') ? line[..^1] : line;
        if (!BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Malformed(source, position, $"has a LONG argument that is not a number: '{line}'");
        }
        return LongWhenItFits(value);
    }

    private static long ParseMemoLine(string line, string source, long position) =>
        long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Malformed(source, position, $"has a memo index that is not a number: '{line}'");

    private static InvalidDataException Malformed(string source, long position, string problem) =>
        new($"{source}: corrupt pickle: {problem} (at byte {position})");
}
