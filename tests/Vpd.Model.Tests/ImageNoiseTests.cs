using Vpd.Model.Inference;

namespace Vpd.Model.Tests;

public sealed class ImageNoiseTests
{
    [Fact]
    public void Draw_SameSeedAndImage_GivesIdenticalNoise()
    {
        using var first = ImageNoise.Draw(7, "image-42", 1, 4, 16, 16);
        using var second = ImageNoise.Draw(7, "image-42", 1, 4, 16, 16);

        Assert.True(first.allclose(second, rtol: 0, atol: 0));
    }

    [Fact]
    public void Draw_OtherImageOrSeed_GivesOtherNoise()
    {
        using var baseline = ImageNoise.Draw(7, "image-42", 1, 4, 8, 8);
        using var otherImage = ImageNoise.Draw(7, "image-43", 1, 4, 8, 8);
        using var otherSeed = ImageNoise.Draw(8, "image-42", 1, 4, 8, 8);

        Assert.False(baseline.allclose(otherImage));
        Assert.False(baseline.allclose(otherSeed));
    }

    [Fact]
    public void Draw_LargeSample_IsStandardNormal()
    {
        using var noise = ImageNoise.Draw(1, "stats", 100_000);

        Assert.InRange(noise.mean().item<float>(), -0.02f, 0.02f);
        Assert.InRange(noise.std().item<float>(), 0.98f, 1.02f);
    }
}
