using Vpd.Core.Refer;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Training;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Training;

/// <summary>The recipe switches of a run: text adapter, weight-decay rule, and the objects trained on.</summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainingRecipeTests(TinyRefShapes data)
{
    private TrainingOptions Options(string outDir) => new()
    {
        DataRoot = data.DataRoot,
        DatasetId = TinyRefShapes.DatasetId,
        Init = TrainingOptions.TinyInit,
        OutDir = outDir,
        Trainable = TrainableParts.HeadAdapter,
        BatchSize = 4,
        TrainLimit = 4,
        LearningRate = 1e-3,
    };

    [Fact]
    public void Run_TextAdapterOff_RecordsItAndLeavesGammaAndAdapterUntrained()
    {
        using var outDir = new TempDir();
        var options = Options(outDir.Path) with { TextAdapter = false };
        using var initial = ModelInit.Create(options);

        Trainer.Run(options);

        var path = outDir.File(TrainingState.ModelFileName);
        Assert.False(VpdModelFile.ReadConfig(path).Refer.UseTextAdapter);
        Assert.Equal("off", VpdModelFile.ReadProvenance(path)["text_adapter"]);
        using var trained = VpdModelFile.Load(path);
        Assert.False(trained.Config.Refer.UseTextAdapter);
        Assert.Equal(Bytes(initial.Refer.Gamma), Bytes(trained.Refer.Gamma));
        Assert.Equal(Bytes(initial.Refer.TextAdapter.parameters().First()), Bytes(trained.Refer.TextAdapter.parameters().First()));
        Assert.NotEqual(Bytes(initial.Refer.Classifier.parameters().First()), Bytes(trained.Refer.Classifier.parameters().First()));
    }

    [Fact]
    public void Run_Defaults_RecordVpdsDecayRuleAndAdapterOn()
    {
        using var outDir = new TempDir();

        Trainer.Run(Options(outDir.Path));

        var provenance = VpdModelFile.ReadProvenance(outDir.File(TrainingState.ModelFileName));
        Assert.Equal("norm-names", provenance["no_decay"]);
        Assert.Equal("on", provenance["text_adapter"]);
        Assert.Equal("4", provenance["limit"]);
        Assert.False(provenance.ContainsKey("subset"));
    }

    [Fact]
    public void Run_Subset_TrainsOnThatManyObjectsAndRecordsTheDraw()
    {
        using var outDir = new TempDir();
        var events = new List<TrainingEvent>();

        Trainer.Run(Options(outDir.Path) with { TrainLimit = null, TrainSubset = 8, SubsetSeed = 3 }, new SyncProgress<TrainingEvent>(events.Add));

        Assert.Equal(8, Assert.Single(events.OfType<TrainingStarted>()).Objects);
        var provenance = VpdModelFile.ReadProvenance(outDir.File(TrainingState.ModelFileName));
        Assert.Equal(("8", "3"), (provenance["subset"], provenance["subset_seed"]));
    }

    [Fact]
    public void Run_LimitAndSubsetTogether_ThrowsNamingBoth()
    {
        using var outDir = new TempDir();

        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(Options(outDir.Path) with { TrainSubset = 8 }));

        Assert.Contains("--limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("--subset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Subset_TakesTheDrawnObjectsInSplitOrder()
    {
        var dataset = ReferDataset.Load(data.DataRoot, TinyRefShapes.DatasetId);
        var usable = dataset.Refs("train").Where(r => r.Sentences.Count > 0).ToList();

        using var subset = TrainingData.Load(dataset, "train", null, 6, 9, 32);

        var expected = TrainingSubset.Indexes(usable.Count, 6, 9).Select(i => usable[i].RefId);
        Assert.Equal(expected, subset.Objects.Select(o => o.RefId));
        Assert.NotEqual(usable.Take(6).Select(r => r.RefId), subset.Objects.Select(o => o.RefId));
    }

    [Fact]
    public void SubsetIndexes_SeededDraws_AreDistinctSortedRepeatableAndSeedDependent()
    {
        var a = TrainingSubset.Indexes(1000, 50, 7);
        var again = TrainingSubset.Indexes(1000, 50, 7);
        var other = TrainingSubset.Indexes(1000, 50, 8);

        Assert.Equal(a, again);
        Assert.NotEqual(a, other);
        Assert.Equal(50, a.Distinct().Count());
        Assert.Equal(a.Order(), a);
        Assert.All(a, i => Assert.InRange(i, 0, 999));
        Assert.Equal(Enumerable.Range(0, 10), TrainingSubset.Indexes(10, 10, 7));
        // Spread over the whole range, not the first indexes.
        Assert.True(a[^1] > 500, $"largest index {a[^1]}");
    }

    private static byte[] Bytes(TorchSharp.torch.Tensor tensor)
    {
        using var contiguous = tensor.detach().cpu().contiguous();
        return contiguous.bytes.ToArray();
    }
}
