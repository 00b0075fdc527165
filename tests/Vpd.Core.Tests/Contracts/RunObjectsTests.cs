using Vpd.Core.Contracts;

namespace Vpd.Core.Tests.Contracts;

public sealed class RunObjectsTests
{
    private static RunObjects Objects(params RunObject[] objects) => new() { Run = "run1", Objects = objects };

    private static RunObject Object(string refId, params int[] indexes) =>
        new(refId, "img1", new string('a', 64), new string('b', 64), [.. indexes.Select(i => new Sentence(i, 1000 + i, $"sentence {i}"))]);

    [Fact]
    public void Parse_RoundTrip_SameSentencesAndHash()
    {
        var objects = Objects(Object("r1", 0, 1), Object("r2", 0));
        var bytes = objects.ToUtf8Json();

        var parsed = RunObjects.Parse(bytes, "objects.json");

        Assert.Equal(3, parsed.SentenceCount);
        Assert.Equal([new SampleId("r1", 0), new SampleId("r1", 1), new SampleId("r2", 0)], parsed.SampleIds());
        Assert.Equal(RunObjects.Sha256Of(bytes), RunObjects.Sha256Of(parsed.ToUtf8Json()));
    }

    [Fact]
    public void Validate_RepeatedRefId_ThrowsNamingIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => Objects(Object("r1", 0), Object("r1", 1)).Validate("objects.json"));

        Assert.Contains("'r1'", e.Message);
    }

    [Fact]
    public void Validate_RepeatedSentenceIndex_Throws()
    {
        Assert.Throws<InvalidDataException>(() => Objects(Object("r1", 0, 0)).Validate("objects.json"));
    }

    [Fact]
    public void Validate_BadImageHash_ThrowsInvalidId()
    {
        var bad = Object("r1", 0) with { ImageSha256 = "nothex" };

        Assert.Throws<InvalidIdException>(() => Objects(bad).Validate("objects.json"));
    }
}

public sealed class SampleIdTests
{
    [Theory]
    [InlineData("ref-7-2", "ref-7", 2)]
    [InlineData("a.b_c-0", "a.b_c", 0)]
    public void TryParse_WrittenId_ReadsRefIdAndIndex(string text, string refId, int index)
    {
        Assert.True(SampleId.TryParse(text, out var id));
        Assert.Equal(new SampleId(refId, index), id);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("noindex")]
    [InlineData("-3")]
    [InlineData("r-x")]
    [InlineData("a/b-1")]
    public void TryParse_NotAnId_False(string? text)
    {
        Assert.False(SampleId.TryParse(text, out _));
    }
}

public sealed class AttentionChoiceTests
{
    [Fact]
    public void Parse_EveryThird_ChoosesPositionsZeroThreeSix()
    {
        var choose = AttentionChoice.Parse("every:3");

        Assert.Equal([0, 3, 6], Enumerable.Range(0, 8).Where(i => choose(i, "x")));
    }

    [Fact]
    public void Parse_Refs_ChoosesThoseRefIdsOnly()
    {
        var choose = AttentionChoice.Parse("refs:7, 9");

        Assert.True(choose(0, "7"));
        Assert.True(choose(5, "9"));
        Assert.False(choose(1, "8"));
    }

    [Theory]
    [InlineData("none", false)]
    [InlineData("all", true)]
    public void Parse_NoneAndAll_AsNamed(string choice, bool chosen)
    {
        Assert.Equal(chosen, AttentionChoice.Parse(choice)(4, "r"));
    }

    [Theory]
    [InlineData("every:0")]
    [InlineData("every:x")]
    [InlineData("refs:")]
    [InlineData("refs:a/b")]
    [InlineData("some")]
    public void Parse_Invalid_ThrowsNamingTheForms(string choice)
    {
        var e = Assert.Throws<ArgumentException>(() => AttentionChoice.Parse(choice));

        Assert.Contains("every:K", e.Message);
    }
}
