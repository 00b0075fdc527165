using System.Text.Json;

namespace Vpd.Tools.Training;

/// <summary>
/// The resume sidecar (<c>last.state.json</c> next to <c>last.safetensors</c>; the optimizer's moments in
/// <c>last.optimizer.bin</c>): where the run is, the data order of the current epoch and the random
/// generator's state, so <c>--resume</c> continues exactly where the run stopped.
/// </summary>
public sealed record TrainingState
{
    public const string ModelFileName = "last.safetensors";
    public const string StateFileName = "last.state.json";
    public const string OptimizerFileName = "last.optimizer.bin";

    /// <summary>Epochs fully done.</summary>
    public required int EpochsDone { get; init; }

    /// <summary>Optimizer steps done in total.</summary>
    public required long Step { get; init; }

    /// <summary>Steps done within the current (unfinished) epoch; 0 at an epoch boundary.</summary>
    public required int StepInEpoch { get; init; }

    /// <summary>The current epoch's object order (empty at an epoch boundary).</summary>
    public required int[] EpochOrder { get; init; }

    /// <summary>The data generator's state (libtorch CPU generator bytes, base64).</summary>
    public required string GeneratorState { get; init; }

    public double? BestOverallIou { get; init; }

    public double ElapsedMinutes { get; init; }

    /// <summary>The settings a resumed run must repeat (dataset, split, trainable, noise, batch, epochs, lr, wd, seed).</summary>
    public required string RunKey { get; init; }

    public List<ValidationPoint> Validations { get; init; } = [];

    public static string StatePath(string outDir) => Path.Combine(outDir, StateFileName);

    public void Write(string outDir)
    {
        var path = StatePath(outDir);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions));
        File.Move(temp, path, overwrite: true);
    }

    public static TrainingState Read(string outDir)
    {
        var path = StatePath(outDir);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--resume: no training state in {outDir} (expected {StateFileName})", path);
        }
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: empty training state");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid training state: {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
