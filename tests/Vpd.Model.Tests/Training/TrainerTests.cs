using Vpd.Model.Checkpoints;
using Vpd.Model.Diffusion;
using Vpd.Tools.Training;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TrainerTests(TinyRefShapes data)
{
    private TrainingOptions Options(string outDir, TrainableParts parts = TrainableParts.HeadAdapterUnet) => new()
    {
        DataRoot = data.DataRoot,
        DatasetId = TinyRefShapes.DatasetId,
        Init = TrainingOptions.TinyInit,
        OutDir = outDir,
        Trainable = parts,
        BatchSize = 4,
        Epochs = 1,
        LearningRate = 1e-3,
        Seed = 5,
    };

    [Fact]
    public void Run_FixedTinyBatch_LossDecreases()
    {
        using var outDir = new TempDir();
        // Four objects, batch four: every step sees the same objects (in another order, with a random sentence each).
        var options = Options(outDir.Path) with { TrainLimit = 4, Epochs = 12, LearningRate = 3e-3 };

        var result = Trainer.Run(options);

        Assert.Equal(12, result.Losses.Count);
        var last = result.Losses.TakeLast(3).Average();
        Assert.True(last < 0.6 * result.Losses[0], $"loss went from {result.Losses[0]} to {last} (losses: {string.Join(", ", result.Losses)})");
    }

    [Fact]
    public void Run_OneEpochWithValidation_WritesEpochBestAndResumeState()
    {
        using var outDir = new TempDir();
        var events = new List<TrainingEvent>();

        var result = Trainer.Run(Options(outDir.Path) with { TrainLimit = 8, ValSplit = "val", ValLimit = 3 }, new SyncProgress<TrainingEvent>(events.Add));

        Assert.True(result.Completed);
        Assert.Equal(2, result.Steps);
        foreach (var file in new[] { "epoch-001.safetensors", "best.safetensors", TrainingState.ModelFileName, TrainingState.StateFileName, TrainingState.OptimizerFileName })
        {
            Assert.True(File.Exists(outDir.File(file)), file);
        }
        var validation = Assert.Single(events.OfType<ValidationCompleted>());
        Assert.Equal(3, validation.Report.Objects);
        Assert.Equal(validation.Report.Sentences.Count, validation.Report.Metrics.Count);
        Assert.Equal(2, events.OfType<StepCompleted>().Count());
        var provenance = VpdModelFile.ReadProvenance(outDir.File("best.safetensors"));
        Assert.Equal("head+adapter+unet", provenance["trainable"]);
        Assert.StartsWith("tiny", provenance["init"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8)] // two steps per epoch: the stop falls inside epoch 1
    [InlineData(4)] // one step per epoch: the stop falls on the epoch boundary
    public void Run_StoppedThenResumed_EqualsUninterruptedRunBitForBit(int objects)
    {
        using var straight = new TempDir();
        using var interrupted = new TempDir();
        var options = Options(straight.Path) with { TrainLimit = objects, Epochs = 2, ValSplit = "val", ValLimit = 2 };

        var full = Trainer.Run(options);
        // A limit this small stops the run after its first step.
        var first = Trainer.Run(options with { OutDir = interrupted.Path, MaxMinutes = 1e-9 });
        var rest = Trainer.Run(options with { OutDir = interrupted.Path, Resume = true });

        Assert.False(first.Completed);
        Assert.Equal(1, first.Steps);
        Assert.True(rest.Completed);
        Assert.Equal(full.Steps, rest.Steps);
        Assert.Equal(full.Losses.Skip(1), rest.Losses);
        AssertSameTensors(straight.File(TrainingState.ModelFileName), interrupted.File(TrainingState.ModelFileName));
    }

    [Fact]
    public void Run_HeadOnly_FrozenModulesUnchangedAndHeadTrained()
    {
        using var outDir = new TempDir();
        var options = Options(outDir.Path, TrainableParts.Head) with { TrainLimit = 8 };
        using var initial = ModelInit.Create(options);
        var before = Snapshot(initial);

        Trainer.Run(options);

        using var trained = VpdModelFile.Load(outDir.File(TrainingState.ModelFileName));
        var after = Snapshot(trained);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var changed = before.Keys.Where(k => !before[k].SequenceEqual(after[k])).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, key => Assert.StartsWith("classifier.", key, StringComparison.Ordinal));
        Assert.Contains("classifier.conv1_1.weight", changed);
    }

    [Fact]
    public void Run_NoiseStep100VersusNone_DifferOnlyWhereNoiseEnters()
    {
        using var plainDir = new TempDir();
        using var noisyDir = new TempDir();
        var options = Options(plainDir.Path, TrainableParts.Head) with { TrainLimit = 4 };
        var plain = new Dictionary<string, byte[]>();
        var noisy = new Dictionary<string, byte[]>();
        Tensor? zT = null;

        Trainer.Run(options, null, default, (name, value) => plain[name] = Bytes(value));
        Trainer.Run(options with { OutDir = noisyDir.Path, NoiseStep = 100 }, null, default, (name, value) =>
        {
            noisy[name] = Bytes(value);
            if (name == "z_t")
            {
                zT = value.detach().clone().DetachFromDisposeScope();
            }
        });

        // Same objects, sentences, latents and noise draw, so the UNet inputs differ exactly by the noise formula.
        foreach (var name in new[] { "latents", "noise", "text", "c_crossattn" })
        {
            Assert.True(plain[name].SequenceEqual(noisy[name]), $"{name} differs between the runs");
        }
        Assert.False(plain.ContainsKey("z_t"));
        Assert.NotNull(zT);
        using var latents = FromBytes(noisy["latents"], zT!.shape);
        using var noise = FromBytes(noisy["noise"], zT.shape);
        using var expected = NoiseSchedule.AddNoise(latents, noise, 100);
        Assert.True(Bytes(expected).SequenceEqual(Bytes(zT)), "z_t is not sqrt(acp[100]) * z0 + sqrt(1 - acp[100]) * eps");
        zT.Dispose();

        // Frozen modules are identical after training; the head, fed different features, is not.
        using var a = VpdModelFile.Load(plainDir.File(TrainingState.ModelFileName));
        using var b = VpdModelFile.Load(noisyDir.File(TrainingState.ModelFileName));
        var sa = Snapshot(a);
        var sb = Snapshot(b);
        var differing = sa.Keys.Where(k => !sa[k].SequenceEqual(sb[k])).ToList();
        Assert.NotEmpty(differing);
        Assert.All(differing, key => Assert.StartsWith("classifier.", key, StringComparison.Ordinal));
    }

    private static Dictionary<string, byte[]> Snapshot(VpdModel model) =>
        ModelTensors(model).ToDictionary(p => p.Key, p => Bytes(p.Value));

    private static IEnumerable<KeyValuePair<string, Tensor>> ModelTensors(VpdModel model) =>
        model.Refer.state_dict().Concat(model.TextEncoder.state_dict().Select(p => new KeyValuePair<string, Tensor>("text." + p.Key, p.Value)));

    private static byte[] Bytes(Tensor tensor)
    {
        using var contiguous = tensor.detach().cpu().contiguous();
        return contiguous.bytes.ToArray();
    }

    private static Tensor FromBytes(byte[] bytes, long[] shape)
    {
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return tensor(values, shape);
    }

    private static void AssertSameTensors(string expectedPath, string actualPath)
    {
        var expected = SafetensorsFile.Load(expectedPath);
        var actual = SafetensorsFile.Load(actualPath);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in expected)
        {
            Assert.True(Bytes(value).SequenceEqual(Bytes(actual[key])), $"{key} differs after resuming");
        }
    }
}

/// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
