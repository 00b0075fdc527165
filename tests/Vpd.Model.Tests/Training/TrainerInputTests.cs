using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Tools.Training;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TrainerInputTests(TinyRefShapes data)
{
    private TrainingOptions Options(string outDir) => new()
    {
        DataRoot = data.DataRoot,
        DatasetId = TinyRefShapes.DatasetId,
        Init = TrainingOptions.TinyInit,
        OutDir = outDir,
        BatchSize = 4,
        TrainLimit = 4,
    };

    [Fact]
    public void Run_SplitNotInDataset_ThrowsNamingSplitAndFile()
    {
        using var outDir = new TempDir();

        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(Options(outDir.Path) with { Split = "testC" }));

        Assert.Contains("'testC'", error.Message, StringComparison.Ordinal);
        Assert.Contains("refs(unc).p", error.Message, StringComparison.Ordinal);
        Assert.Contains("train, val", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BatchLargerThanData_ThrowsNamingBoth()
    {
        using var outDir = new TempDir();

        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(Options(outDir.Path) with { BatchSize = 5 }));

        Assert.Contains("--batch-size 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 usable objects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ResumeFromCheckpointOfAnotherArchitecture_ThrowsNamingTheFile()
    {
        using var outDir = new TempDir();
        var options = Options(outDir.Path) with { MaxMinutes = 1e-9, Epochs = 2 };
        Trainer.Run(options);
        var other = VpdModelConfig.Tiny(1) with { Refer = VpdReferConfig.Tiny with { TokenLength = 12 } };

        var error = Assert.Throws<InvalidDataException>(() => Trainer.Run(options with { Resume = true, TinyConfig = other }));

        Assert.Contains(TrainingState.ModelFileName, error.Message, StringComparison.Ordinal);
        Assert.Contains("architecture differs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InitFileNotAModel_ThrowsNamingIt()
    {
        using var outDir = new TempDir();
        var bogus = outDir.File("weights.safetensors");
        SafetensorsFile.Save(bogus, [new("w", TorchSharp.torch.zeros(2))], new Dictionary<string, string>());

        var error = Assert.Throws<InvalidDataException>(() => Trainer.Run(Options(outDir.Path) with { Init = bogus }));

        Assert.Contains(bogus, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a VPD model file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OutDirHoldsARunWithoutResume_Throws()
    {
        using var outDir = new TempDir();
        Trainer.Run(Options(outDir.Path));

        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(Options(outDir.Path)));

        Assert.Contains("--resume", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ResumeWithOtherSettings_Throws()
    {
        using var outDir = new TempDir();
        Trainer.Run(Options(outDir.Path) with { MaxMinutes = 1e-9, Epochs = 2 });

        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(Options(outDir.Path) with { Epochs = 2, BatchSize = 2, Resume = true }));

        Assert.Contains("other settings", error.Message, StringComparison.Ordinal);
    }
}
