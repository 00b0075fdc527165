using Vpd.Core.Contracts;
using Vpd.Pipeline.Hosting;

namespace Vpd.Pipeline.Segmentation;

/// <summary>Builds the segmenter for a model; <see cref="ModelCache"/> calls it once per model per process.</summary>
public interface ISegmenterFactory
{
    /// <param name="manifest">The run's manifest (model kind, config, dtype, token length).</param>
    /// <param name="modelFile">A local copy of the model file whose SHA-256 has been verified.</param>
    /// <param name="host">Where this host runs models (device, sentence batching).</param>
    /// <exception cref="InvalidDataException">The model file or config cannot be used.</exception>
    ISegmenter Create(RunManifest manifest, string modelFile, HostSettings host);
}
