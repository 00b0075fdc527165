using TorchSharp;
using Vpd.Model.Config;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

public sealed class TinyModelTests
{
    [Fact]
    public void Predict_FreshTinyModel_ReturnsLogitsAtImageSizeAndMapsPerToken()
    {
        var config = VpdReferConfig.Tiny;
        using var model = new VpdRefer(config);
        model.eval();
        var generator = new Generator(42);
        using var image = rand([2, 3, config.ImageSize, config.ImageSize], generator: generator) * 2 - 1;
        using var text = randn([2, config.TokenLength, config.TokenEmbedDim], generator: generator);

        using var result = model.Predict(image, text);

        Assert.Equal([2L, 2, config.ImageSize, config.ImageSize], result.Logits.shape);
        Assert.Equal([config.AttentionSide32, config.AttentionSide16], result.AttentionMaps.Keys.Order());
        foreach (var (side, map) in result.AttentionMaps)
        {
            Assert.Equal([2L, config.TokenLength, side, side], map.shape);
            // Every position's distribution over tokens sums to one.
            using var sums = map.sum(1);
            Assert.True(sums.allclose(ones_like(sums), rtol: 0, atol: 1e-5));
        }
        Assert.False(result.Logits.isnan().any().item<bool>());
    }

    [Fact]
    public void Forward_TrainingStep_GivesGradientsToUnetAdapterAndHead()
    {
        var config = VpdReferConfig.Tiny;
        using var model = new VpdRefer(config);
        model.train();
        var generator = new Generator(7);
        using var scope = NewDisposeScope();
        var latents = randn([2, 4, config.LatentSize, config.LatentSize], generator: generator);
        var text = randn([2, config.TokenLength, config.TokenEmbedDim], generator: generator);
        var noise = randn([2, 4, config.LatentSize, config.LatentSize], generator: generator);

        var result = model.ForwardLatents(latents, text, noiseStep: 100, noise: noise);
        result.Logits.select(1, 1).mean().backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.StartsWith("encoder_vq.", StringComparison.Ordinal) || name.Contains(".out.", StringComparison.Ordinal))
            {
                continue; // not on the path from cached latents to logits
            }
            Assert.True(parameter.grad is not null, $"{name} got no gradient");
        }
    }

    [Fact]
    public void Constructor_FreshModel_GroupNormsStartAsIdentityAffine()
    {
        using var model = new VpdRefer(VpdReferConfig.Tiny);

        var norms = model.named_modules().Where(m => m.module is Vpd.Model.Nn.GroupNorm32).ToList();

        Assert.NotEmpty(norms);
        foreach (var (name, module) in norms)
        {
            var norm = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Assert.True(norm["weight"].eq(1).all().item<bool>(), $"{name}.weight");
            Assert.True(norm["bias"].eq(0).all().item<bool>(), $"{name}.bias");
        }
    }
}
