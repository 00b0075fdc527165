using System.Buffers.Binary;
using System.Text;

namespace Vpd.Core.Attention;

/// <summary>
/// The stored form of one sentence's <see cref="AttentionMaps"/>: a small versioned header with the token
/// strings, then every map as IEEE 754 half-precision floats. Little-endian throughout:
/// <code>
/// "VPDA"                 magic (4 bytes)
/// u16 version            1
/// u8  value format       1 = float16
/// u8  level count L      1..8
/// u16 token count N      1..256
/// u16 side x L           strictly ascending, 1..256
/// N x (u8 role, u8 n, n UTF-8 bytes)
/// for each level in side order: N * side * side float16 values (token-major, row-major)
/// </code>
/// Half precision keeps 11 significant bits: attention probabilities in [0, 1] come back within 2^-11 of
/// their value (relative), subnormals down to 6e-8. Decoding checks every count and length against the limits
/// of <see cref="AttentionMaps"/> and the exact blob size before allocating, and names the source on refusal.
/// </summary>
public static class AttentionBlob
{
    public const ushort CurrentVersion = 1;

    /// <summary>The one value format of version 1.</summary>
    public const byte Float16Format = 1;

    /// <summary>Conventional content type for the stored blob.</summary>
    public const string ContentType = "application/vnd.vpd.attention";

    private static ReadOnlySpan<byte> Magic => "VPDA"u8;

    private const int FixedHeaderBytes = 4 + 2 + 1 + 1 + 2;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The blob of <paramref name="maps"/>.</summary>
    public static byte[] Encode(AttentionMaps maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var tokenBytes = maps.Tokens.Select(Encoding.UTF8.GetBytes).ToArray();
        var headerBytes = FixedHeaderBytes + (2 * maps.Sides.Count) + tokenBytes.Sum(b => 2 + b.Length);
        var blob = new byte[checked(headerBytes + (2 * maps.ValueCount))];
        var span = blob.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], CurrentVersion);
        span[6] = Float16Format;
        span[7] = (byte)maps.Sides.Count;
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)maps.TokenCount);
        var at = FixedHeaderBytes;
        foreach (var side in maps.Sides)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)side);
            at += 2;
        }
        for (var i = 0; i < tokenBytes.Length; i++)
        {
            span[at++] = (byte)maps.Roles[i];
            span[at++] = (byte)tokenBytes[i].Length;
            tokenBytes[i].CopyTo(span[at..]);
            at += tokenBytes[i].Length;
        }
        foreach (var side in maps.Sides)
        {
            foreach (var value in maps.Level(side))
            {
                BinaryPrimitives.WriteHalfLittleEndian(span[at..], (Half)value);
                at += 2;
            }
        }
        return blob;
    }

    /// <summary>Size in bytes of the blob of a sentence with these tokens and sides, without building it.</summary>
    public static long SizeOf(IReadOnlyList<string> tokens, IReadOnlyList<int> sides)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(sides);
        long header = FixedHeaderBytes + (2 * sides.Count) + tokens.Sum(t => 2L + Encoding.UTF8.GetByteCount(t));
        return header + (2L * tokens.Count * sides.Sum(s => (long)s * s));
    }

    /// <summary>Reads a blob written by <see cref="Encode"/>; <paramref name="source"/> (a blob name or path) is quoted in errors.</summary>
    /// <exception cref="InvalidDataException">Not an attention blob, a version this code does not read, or any length that does not add up.</exception>
    public static AttentionMaps Decode(ReadOnlySpan<byte> blob, string source)
    {
        if (blob.Length < FixedHeaderBytes || !blob[..4].SequenceEqual(Magic))
        {
            throw Invalid(source, blob.Length < 4 ? $"only {blob.Length} bytes" : "it does not start with the magic \"VPDA\"");
        }
        var version = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        if (version != CurrentVersion)
        {
            throw Invalid(source, $"format version {version}, this code reads version {CurrentVersion}");
        }
        if (blob[6] != Float16Format)
        {
            throw Invalid(source, $"value format {blob[6]}, only {Float16Format} (float16) is defined");
        }
        int levelCount = blob[7];
        int tokenCount = BinaryPrimitives.ReadUInt16LittleEndian(blob[8..]);
        if (levelCount is 0 or > AttentionMaps.MaxLevels)
        {
            throw Invalid(source, $"{levelCount} levels, expected 1..{AttentionMaps.MaxLevels}");
        }
        if (tokenCount is 0 or > AttentionMaps.MaxTokens)
        {
            throw Invalid(source, $"{tokenCount} tokens, expected 1..{AttentionMaps.MaxTokens}");
        }
        var at = FixedHeaderBytes;
        Need(blob, at, 2 * levelCount, "the level sides", source);
        var sides = new int[levelCount];
        long values = 0;
        for (var l = 0; l < levelCount; l++)
        {
            sides[l] = BinaryPrimitives.ReadUInt16LittleEndian(blob[at..]);
            at += 2;
            if (sides[l] is 0 or > AttentionMaps.MaxSide || (l > 0 && sides[l] <= sides[l - 1]))
            {
                throw Invalid(source, $"level {l} has side {sides[l]}; sides must ascend strictly within 1..{AttentionMaps.MaxSide}");
            }
            values += (long)tokenCount * sides[l] * sides[l];
        }
        if (values > AttentionMaps.MaxValues)
        {
            throw Invalid(source, $"it declares {values} values, more than the {AttentionMaps.MaxValues} allowed");
        }
        var tokens = new string[tokenCount];
        var roles = new TokenRole[tokenCount];
        for (var i = 0; i < tokenCount; i++)
        {
            Need(blob, at, 2, $"token {i}'s header", source);
            var role = (TokenRole)blob[at];
            int length = blob[at + 1];
            at += 2;
            if (!Enum.IsDefined(role))
            {
                throw Invalid(source, $"token {i} has unknown role {(int)role}");
            }
            Need(blob, at, length, $"token {i}'s {length} bytes of text", source);
            try
            {
                tokens[i] = StrictUtf8.GetString(blob.Slice(at, length));
            }
            catch (DecoderFallbackException)
            {
                throw Invalid(source, $"token {i} is not valid UTF-8");
            }
            roles[i] = role;
            at += length;
        }
        var expectedLength = at + (2 * values);
        if (blob.Length != expectedLength)
        {
            throw Invalid(source, blob.Length < expectedLength
                ? $"truncated: {tokenCount} tokens at sides {string.Join(", ", sides)} need {expectedLength} bytes, it has {blob.Length}"
                : $"{blob.Length - expectedLength} bytes after the last map (expected {expectedLength} bytes in all)");
        }
        var levels = new Dictionary<int, float[]>(levelCount);
        foreach (var side in sides)
        {
            var level = new float[tokenCount * side * side];
            for (var v = 0; v < level.Length; v++)
            {
                level[v] = (float)BinaryPrimitives.ReadHalfLittleEndian(blob[at..]);
                at += 2;
            }
            levels[side] = level;
        }
        return new AttentionMaps(tokens, roles, levels);
    }

    private static void Need(ReadOnlySpan<byte> blob, int at, int count, string what, string source)
    {
        if ((long)at + count > blob.Length)
        {
            throw Invalid(source, $"truncated in {what} (byte {at} of {blob.Length})");
        }
    }

    private static InvalidDataException Invalid(string source, string problem) =>
        new($"{source}: not a readable attention blob: {problem}");
}
