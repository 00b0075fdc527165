using System.Buffers.Binary;
using System.Text;
using Vpd.Core.Attention;

namespace Vpd.Core.Tests.Attention;

public sealed class AttentionBlobTests
{
    private const string Source = "runs/r1/attention/12-0.bin";

    /// <summary>SOS, three words (one not ASCII), EOS and two padding positions; sides 2 and 4; values spread over [0, 1].</summary>
    private static AttentionMaps Sample(int seed = 1)
    {
        string[] tokens = ["<|startoftext|>", "red", "circl\u00e9", "left", "<|endoftext|>", "<|endoftext|>", "<|endoftext|>"];
        TokenRole[] roles = [TokenRole.Start, TokenRole.Text, TokenRole.Text, TokenRole.Text, TokenRole.End, TokenRole.Padding, TokenRole.Padding];
        var random = new Random(seed);
        var levels = new Dictionary<int, float[]>
        {
            [4] = Enumerable.Range(0, tokens.Length * 16).Select(_ => (float)random.NextDouble()).ToArray(),
            [2] = Enumerable.Range(0, tokens.Length * 4).Select(_ => (float)Math.Pow(random.NextDouble(), 6)).ToArray(),
        };
        return new AttentionMaps(tokens, roles, levels);
    }

    [Fact]
    public void Decode_EncodedMaps_SameTokensRolesSidesAndValuesWithinHalfPrecision()
    {
        var maps = Sample();

        var decoded = AttentionBlob.Decode(AttentionBlob.Encode(maps), Source);

        Assert.Equal(maps.Tokens, decoded.Tokens);
        Assert.Equal(maps.Roles, decoded.Roles);
        Assert.Equal([2, 4], decoded.Sides);
        foreach (var side in maps.Sides)
        {
            var expected = maps.Level(side);
            var actual = decoded.Level(side);
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                // float16: 11 significant bits (relative error <= 2^-11), subnormal spacing 2^-24 near 0.
                Assert.True(Math.Abs(actual[i] - expected[i]) <= (Math.Abs(expected[i]) * Math.Pow(2, -11)) + Math.Pow(2, -24),
                    $"side {side} value {i}: {expected[i]} came back as {actual[i]}");
            }
        }
    }

    [Fact]
    public void Encode_Maps_LengthIsSizeOfAndHeaderAsDocumented()
    {
        var maps = Sample();

        var blob = AttentionBlob.Encode(maps);

        Assert.Equal(AttentionBlob.SizeOf(maps.Tokens, maps.Sides), blob.Length);
        Assert.Equal("VPDA"u8.ToArray(), blob[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(4)));
        Assert.Equal(AttentionBlob.Float16Format, blob[6]);
        Assert.Equal(2, blob[7]);
        Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(8)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(10)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(12)));
        var header = 14 + maps.Tokens.Sum(t => 2 + Encoding.UTF8.GetByteCount(t));
        Assert.Equal(header + (2 * 7 * (4 + 16)), blob.Length);
    }

    [Fact]
    public void SizeOf_Sd15At512With40Tokens_AsDocumented()
    {
        // docs/pictures.md: SD 1.5 at 512 px keeps S/32 = 16 and S/16 = 32 with 40 token positions.
        var tokens = Enumerable.Repeat("<|endoftext|>", 40).ToArray();
        tokens[0] = "<|startoftext|>";

        Assert.Equal(103_016, AttentionBlob.SizeOf(tokens, [16, 32]));
        Assert.Equal(40L * (256 + 1024) * 2, AttentionBlob.SizeOf(tokens, [16, 32]) - 14 - tokens.Sum(t => 2 + t.Length));
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsInvalidDataNamingSource()
    {
        var blob = AttentionBlob.Encode(Sample());

        for (var length = 0; length < blob.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => AttentionBlob.Decode(blob.AsSpan(0, length), Source));
            Assert.Contains(Source, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_TrailingBytes_ThrowsSayingHowMany()
    {
        var blob = AttentionBlob.Encode(Sample()).Concat(new byte[3]).ToArray();

        var e = Assert.Throws<InvalidDataException>(() => AttentionBlob.Decode(blob, Source));

        Assert.Contains("3 bytes after the last map", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, byte[], string> Corruptions() => new()
    {
        { "magic", 0, "XPDA"u8.ToArray(), "magic" },
        { "version", 4, [2, 0], "format version 2" },
        { "value format", 6, [7], "value format 7" },
        { "no level", 7, [0], "0 levels" },
        { "too many levels", 7, [9], "9 levels" },
        { "no token", 8, [0, 0], "0 tokens" },
        { "too many tokens", 8, [1, 1], "257 tokens" },
        { "side zero", 10, [0, 0], "side 0" },
        { "sides not ascending", 12, [2, 0], "ascend" },
        { "side too large", 12, [1, 1], "side 257" },
        { "unknown role", 14, [9], "unknown role 9" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Decode_CorruptHeader_ThrowsNamingSourceAndProblem(string what, int offset, byte[] bytes, string expected)
    {
        var blob = AttentionBlob.Encode(Sample());
        bytes.CopyTo(blob, offset);

        var e = Assert.Throws<InvalidDataException>(() => AttentionBlob.Decode(blob, Source));

        Assert.Contains(Source, e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{what}: '{e.Message}' does not say '{expected}'");
    }

    [Fact]
    public void Decode_TokenNotUtf8_Throws()
    {
        var blob = AttentionBlob.Encode(Sample());
        // Token 0 starts at byte 14 (role, length, text): make its first text byte a lone continuation byte.
        blob[16] = 0x80;

        var e = Assert.Throws<InvalidDataException>(() => AttentionBlob.Decode(blob, Source));

        Assert.Contains("token 0 is not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_DeclaredSizeOverLimit_ThrowsBeforeAllocating()
    {
        // 256 tokens at sides 255 and 256 would be 33 million values: refused from the header alone.
        var blob = new byte[14];
        "VPDA"u8.CopyTo(blob);
        blob[4] = 1;
        blob[6] = 1;
        blob[7] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(8), 256);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(10), 255);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(12), 256);

        var e = Assert.Throws<InvalidDataException>(() => AttentionBlob.Decode(blob, Source));

        Assert.Contains("more than the", e.Message, StringComparison.Ordinal);
    }
}
