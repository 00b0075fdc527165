using Vpd.Core.Synthetic;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Training;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.Commands;

/// <summary>A small RefShapes dataset and a random Tiny model file, shared by the eval and train verb tests.</summary>
public sealed class ModelVerbsFixture : IDisposable
{
    private readonly TempDir root = new("vpd-cli-model");

    public ModelVerbsFixture()
    {
        // One libtorch thread: OpenMP threads spin while waiting, which is slow on the shared test machine.
        TorchSharp.torch.set_num_threads(1);
        RefShapesGenerator.Write(DataRoot, new RefShapesOptions { Seed = 21, TrainImages = 4, ValImages = 4, TestAImages = 0, TestBImages = 0 });
        using var model = ModelInit.Create(new TrainingOptions { DataRoot = DataRoot, DatasetId = "refshapes", Init = TrainingOptions.TinyInit, OutDir = "-", Seed = 2 });
        VpdModelFile.Save(model, ModelFile);
    }

    public string DataRoot => Path.Combine(root.Path, "data");

    public string ModelFile => root.File("tiny.safetensors");

    public string NewFolder() => Directory.CreateDirectory(root.File(Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => root.Dispose();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModelVerbsCollection : ICollectionFixture<ModelVerbsFixture>
{
    public const string Name = "model verbs";
}
