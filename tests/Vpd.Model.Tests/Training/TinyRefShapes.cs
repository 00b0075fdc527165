using Vpd.Core.Synthetic;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Training;

/// <summary>A very small generated RefShapes dataset (20 train, 6 val images), written once per test class.</summary>
public sealed class TinyRefShapes : IDisposable
{
    private readonly TempDir root = new("vpd-refshapes");

    public TinyRefShapes()
    {
        // libtorch's OpenMP threads spin while waiting; on the shared test machine one thread trains the
        // Tiny model several times faster than two (measured), and results are deterministic either way.
        TorchSharp.torch.set_num_threads(1);
        RefShapesGenerator.Write(root.Path, new RefShapesOptions { Seed = 11, TrainImages = 20, ValImages = 6, TestAImages = 0, TestBImages = 0 });
    }

    public string DataRoot => root.Path;

    public const string DatasetId = "refshapes";

    public void Dispose() => root.Dispose();
}

/// <summary>
/// Training tests seed libtorch's global generator to build models and time their steps, so they run
/// one at a time, never beside another test class.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection : ICollectionFixture<TinyRefShapes>
{
    public const string Name = "training";
}
