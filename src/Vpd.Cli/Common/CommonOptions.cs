using System.CommandLine;

namespace Vpd.Cli.Common;

/// <summary>
/// The options every verb names the same way (docs/cli.md). Each call makes a new
/// option, because an option instance belongs to one command.
/// </summary>
public static class CommonOptions
{
    public static Option<DirectoryInfo> Data(string description = "Data root holding the dataset folders and images/mscoco/images/train2014") =>
        new("--data") { Description = description, Required = true };

    public static Option<string> Dataset() =>
        new("--dataset")
        {
            Description = "Dataset id: refcoco, refcocoplus (or refcoco+), refcocog-umd, refcocog-google, refshapes",
            DefaultValueFactory = _ => "refshapes",
        };

    public static Option<string> Split() => new("--split") { Description = "Split to evaluate", DefaultValueFactory = _ => "val" };

    public static Option<string> Run(string description = "Run id ([A-Za-z0-9._-], names blobs and table keys)") =>
        new("--run") { Description = description, Required = true };

    public static Option<string> Model() =>
        new("--model") { Description = "A model file (local path) or sha256:<hex> of one already uploaded", Required = true };

    public static Option<int> NoiseStep() =>
        new("--noise-step") { Description = "Diffusion noise step T in 0..999 added to the image latents (0: none)", DefaultValueFactory = _ => 0 };

    public static Option<long> NoiseSeed() =>
        new("--noise-seed") { Description = "Seed of the per-image noise (hashed with the image id)", DefaultValueFactory = _ => 0 };

    public static Option<bool> Json() => new("--json") { Description = "Machine-readable JSON output (fractions, not percent)" };

    public static Option<int> Workers() =>
        new("--workers") { Description = "Concurrent workers in this process (they share one model)", DefaultValueFactory = _ => 1 };

    public static Option<int> ReceiveBatch() =>
        new("--receive-batch")
        {
            Description = "Messages each worker receives per request and handles at once (1..32; 1 for a model, more when storage is the cost)",
            DefaultValueFactory = _ => 1,
        };

    public static Option<Microsoft.Extensions.Logging.LogLevel> LogLevel(Microsoft.Extensions.Logging.LogLevel defaultLevel) =>
        new("--log-level")
        {
            Description = "Least severe log line written to standard error: Debug, Information, Warning, Error or None",
            DefaultValueFactory = _ => defaultLevel,
        };

    public static Option<string> Segmenter() =>
        new("--segmenter")
        {
            Description = "model: the run's VPD model; threshold: a model-free stand-in that exercises the pipeline (tests, benchmarks)",
            DefaultValueFactory = _ => SegmenterChoice.Model,
        };
}

/// <summary>Values of <c>--segmenter</c>.</summary>
public static class SegmenterChoice
{
    public const string Model = "model";
    public const string Threshold = "threshold";

    /// <exception cref="ArgumentException">Neither value.</exception>
    public static string Validate(string? value) =>
        value is Model or Threshold ? value : throw new ArgumentException($"--segmenter '{value}' is not one of: {Model}, {Threshold}");
}
