namespace Vpd.Tools.Training;

/// <summary>One validation pass: when, and how well.</summary>
public sealed record ValidationPoint(int Epoch, long Step, double Minutes, double OverallIou, double MeanIou);

/// <summary>What a run produced.</summary>
/// <param name="Completed">False when it stopped early (time limit, cancellation).</param>
/// <param name="LastModel">The latest model file (its resume state lies next to it).</param>
/// <param name="BestModel">best.safetensors, when a validation split was given.</param>
public sealed record TrainingResult(
    bool Completed, int EpochsDone, long Steps, string LastModel, string? BestModel, double? BestOverallIou,
    IReadOnlyList<ValidationPoint> Validations, IReadOnlyList<double> Losses);
