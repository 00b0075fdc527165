using Vpd.Core.Attention;

namespace Vpd.Core.Tests.Attention;

public sealed class AttentionMapsTests
{
    private static readonly string[] Tokens = ["<|startoftext|>", "red", "<|endoftext|>", "<|endoftext|>"];
    private static readonly TokenRole[] Roles = [TokenRole.Start, TokenRole.Text, TokenRole.End, TokenRole.Padding];

    [Fact]
    public void Map_TokenOfLevel_ReturnsItsRowMajorSlice()
    {
        var values = Enumerable.Range(0, 4 * 9).Select(i => (float)i).ToArray();
        var maps = new AttentionMaps(Tokens, Roles, new Dictionary<int, float[]> { [3] = values, [1] = new float[4] });

        Assert.Equal([1, 3], maps.Sides);
        Assert.Equal(Enumerable.Range(18, 9).Select(i => (float)i).ToArray(), maps.Map(3, 2).ToArray());
        Assert.Equal([0, 1, 2], maps.SentenceTokens());
        Assert.Equal(40, maps.ValueCount);
    }

    [Fact]
    public void Constructor_LevelOfWrongLength_ThrowsNamingSideAndCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => new AttentionMaps(Tokens, Roles, new Dictionary<int, float[]> { [2] = new float[15] }));

        Assert.Contains("level 2x2 needs 4 x 2 x 2 = 16 values, got 15", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RolesCountDiffers_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AttentionMaps(Tokens, Roles[..3], new Dictionary<int, float[]> { [1] = new float[4] }));
    }

    [Fact]
    public void Constructor_NoLevelOrSideOutOfRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AttentionMaps(Tokens, Roles, new Dictionary<int, float[]>()));
        Assert.Throws<ArgumentException>(() => new AttentionMaps(Tokens, Roles, new Dictionary<int, float[]> { [0] = [] }));
        Assert.Throws<ArgumentException>(() => new AttentionMaps(Tokens, Roles, new Dictionary<int, float[]> { [257] = new float[4 * 257 * 257] }));
    }

    [Fact]
    public void Constructor_TokenLongerThanLimit_Throws()
    {
        var tokens = Tokens.ToArray();
        tokens[1] = new string('x', AttentionMaps.MaxTokenBytes + 1);

        Assert.Throws<ArgumentException>(() => new AttentionMaps(tokens, Roles, new Dictionary<int, float[]> { [1] = new float[4] }));
    }

    [Fact]
    public void Level_MissingSide_ThrowsListingSides()
    {
        var maps = new AttentionMaps(Tokens, Roles, new Dictionary<int, float[]> { [1] = new float[4] });

        var e = Assert.Throws<ArgumentException>(() => maps.Level(8));

        Assert.Contains("sides: 1", e.Message, StringComparison.Ordinal);
    }
}
