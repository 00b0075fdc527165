using Vpd.Core.Contracts;

namespace Vpd.Core.Tests.Contracts;

public sealed class IdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("refcoco")]
    [InlineData("run-2026.11_25")]
    [InlineData("...")]
    [InlineData("A9")]
    public void Validate_SafeId_ReturnsIt(string id)
    {
        Assert.Equal(id, Ids.Validate(id, "run"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a b")]
    [InlineData("refcoco+")]
    [InlineData("x#y")]
    [InlineData("é")]
    [InlineData("a\nb")]
    public void Validate_UnsafeId_ThrowsNamingTheKind(string? id)
    {
        var e = Assert.Throws<InvalidIdException>(() => Ids.Validate(id, "refId"));
        Assert.StartsWith("refId ", e.Message);
        Assert.Equal("refId", e.Kind);
        Assert.False(Ids.IsValid(id));
    }

    [Fact]
    public void Validate_LengthLimit_Is128()
    {
        Assert.True(Ids.IsValid(new string('a', 128)));
        var e = Assert.Throws<InvalidIdException>(() => Ids.Validate(new string('a', 129), "imageId"));
        Assert.Contains("129", e.Message);
    }

    [Fact]
    public void ValidateSha256_UppercaseOrShort_Throws()
    {
        var good = new string('a', 64);
        Assert.Equal(good, Ids.ValidateSha256(good, "model"));
        Assert.Throws<InvalidIdException>(() => Ids.ValidateSha256(new string('A', 64), "model"));
        Assert.Throws<InvalidIdException>(() => Ids.ValidateSha256("abc", "model"));
    }
}
