using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Diffusion;
using Vpd.Model.Nn;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

public sealed class VpdReferGoldenTests
{
    private static readonly string[] TestPrefixes = ["input.", "output.", "intermediate.", "constant."];

    /// <param name="batchCopies">1: the golden case; 2: the case stacked twice along the batch (<see cref="GoldenFolders"/>).</param>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void Forward_GoldenTinyModel_MatchesEveryOutputAndIntermediateOfBothVariants(int batchCopies)
    {
        var (path, golden, model) = LoadGoldenModel(batchCopies);
        using var _ = model;
        var noiseStep = Vpd.Tools.SelfTest.GoldenFile.SharedStep(golden, "constant.noise_timestep", path);
        using var recorder = new TraceRecorder();
        using var results = new DisposableList();

        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var plain = model.forward(golden["input.image"], golden["input.l_feats"], trace: recorder.Trace.Prefixed("intermediate."));
            foreach (var (side, map) in plain.AttentionMaps)
            {
                recorder.Trace($"intermediate.attn.{side}x{side}", map);
            }
            model.forward(golden["input.image"], golden["input.l_feats"], noiseStep, golden["input.noise"], recorder.Trace.Prefixed("intermediate.noised."));
        }
        // The outputs come from the inference entry point, the way the product calls it.
        var plainResult = results.Add(model.Predict(golden["input.image"], golden["input.l_feats"]));
        var noisedResult = results.Add(model.Predict(golden["input.image"], golden["input.l_feats"], noiseStep, golden["input.noise"]));
        var outputs = new Dictionary<string, Tensor> { ["output.logits"] = plainResult.Logits, ["output.logits_noised"] = noisedResult.Logits };

        GoldenCompare.AssertAll(path, golden, GoldenCompare.CheckedNames(path),
            name => outputs.GetValueOrDefault(name) ?? recorder.Get(name),
            name => name.Contains(".attn.", StringComparison.Ordinal));
        using var timesteps = Vpd.Tools.SelfTest.GoldenFile.PerSample(model.Config.Timestep, golden["input.image"].shape[0]);
        GoldenTensorAssert.Exact("constant.timestep", timesteps, golden["constant.timestep"]);
    }

    [SkippableFact]
    public void StateDict_GoldenTinyModel_HasTheReferenceKeyOrder()
    {
        var path = RepoPaths.Golden("vpd_refer_tiny.safetensors");
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(path), path);
        var fileOrder = SafetensorsFile.ReadHeader(path).Entries.Select(e => e.Name).Where(n => !TestPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)));
        using var model = new VpdRefer(config, META);

        // Same order as VPDRefer.state_dict(), so checkpoints the product writes list keys as VPD's do.
        var ordered = ModuleWeights.StateDictInReferenceOrder(model);

        Assert.Equal(fileOrder, ordered.Select(kv => kv.Key));
        Assert.Equal(model.state_dict().Count, ordered.Count);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void NoiseSchedule_GoldenConstants_MatchExactly(int batchCopies)
    {
        var path = GoldenFolders.File(batchCopies, "vpd_refer_tiny.safetensors");
        var golden = SafetensorsFile.Load(path, name => name.StartsWith("constant.", StringComparison.Ordinal));
        var step = Vpd.Tools.SelfTest.GoldenFile.SharedStep(golden, "constant.noise_timestep", path);

        var (a, b) = NoiseSchedule.Coefficients(step);

        Assert.Equal(golden["constant.alphas_cumprod"].data<float>().ToArray(), NoiseSchedule.AlphasCumprod.Select(v => (float)v).ToArray());
        Assert.Equal(golden["constant.sqrt_alphas_cumprod_at_T"].item<float>(), a);
        Assert.Equal(golden["constant.sqrt_one_minus_alphas_cumprod_at_T"].item<float>(), b);
    }

    [SkippableFact]
    public void PredictFromLatents_OneImageManySentences_EqualsEachSentenceAlone()
    {
        var (_, golden, model) = LoadGoldenModel();
        using var _ = model;
        var text = golden["input.l_feats"];
        using var texts = cat([text, text.flip(1), text * 0.5], 0);
        using var latents = model.PredictLatents(golden["input.image"]);
        using var noise = golden["input.noise"];

        using var batched = model.PredictFromLatents(latents, texts, 100, noise);

        for (var k = 0; k < texts.shape[0]; k++)
        {
            using var single = model.PredictFromLatents(latents, texts.narrow(0, k, 1), 100, noise);
            using var batchedLogits = batched.Logits.narrow(0, k, 1);
            Assert.True(GoldenCompare.RelativeError(batchedLogits, single.Logits) < 1e-5, $"sentence {k}");
            foreach (var (side, map) in single.AttentionMaps)
            {
                using var batchedMap = batched.AttentionMaps[side].narrow(0, k, 1);
                Assert.True(GoldenCompare.RelativeError(batchedMap, map) < 1e-5, $"sentence {k} map {side}");
            }
        }
        // The check above must be able to fail: the sentences themselves give clearly different results.
        using var first = batched.Logits.narrow(0, 0, 1);
        using var second = batched.Logits.narrow(0, 1, 1);
        var difference = GoldenCompare.RelativeError(first, second);
        Assert.True(difference > 1e-4, $"different sentences must give different logits (relative difference {difference})");
    }

    [SkippableFact]
    public void Predict_ModelInTrainingMode_ThrowsAskingForEval()
    {
        var (_, golden, model) = LoadGoldenModel();
        using var _ = model;
        model.train();

        var error = Assert.Throws<InvalidOperationException>(() => model.Predict(golden["input.image"], golden["input.l_feats"]));

        Assert.Contains("eval()", error.Message);
    }

    [SkippableFact]
    public void Predict_NoiseStepWithoutNoise_ThrowsNamingTheNoise()
    {
        var (_, golden, model) = LoadGoldenModel();
        using var _ = model;

        var error = Assert.Throws<ArgumentException>(() => model.Predict(golden["input.image"], golden["input.l_feats"], noiseStep: 100));

        Assert.Equal("noise", error.ParamName);
    }

    [SkippableFact]
    public void Predict_TextOfWrongLength_ThrowsNamingTheShape()
    {
        var (_, golden, model) = LoadGoldenModel();
        using var _ = model;
        using var shortText = golden["input.l_feats"].narrow(1, 0, 10);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(golden["input.image"], shortText));

        Assert.Contains("text embeddings has shape [1, 10, ", error.Message);
    }

    private static (string Path, Dictionary<string, Tensor> Golden, VpdRefer Model) LoadGoldenModel(int batchCopies = 1)
    {
        var path = GoldenFolders.File(batchCopies, "vpd_refer_tiny.safetensors");
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(path), path);
        var golden = SafetensorsFile.Load(path);
        var model = new VpdRefer(config);
        ModuleWeights.LoadStrict(model, golden, ignore: name => TestPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)), source: path);
        model.eval();
        return (path, golden, model);
    }

    private sealed class DisposableList : IDisposable
    {
        private readonly List<IDisposable> items = [];

        public T Add<T>(T item) where T : IDisposable
        {
            items.Add(item);
            return item;
        }

        public void Dispose() => items.ForEach(i => i.Dispose());
    }
}
