using Vpd.Model.Config;

namespace Vpd.Tools.Checkpoints.Import;

/// <summary>How <see cref="CheckpointImporter"/> builds a model.</summary>
/// <param name="BaseConfig">The model shape before token_length is settled; null means <see cref="VpdModelConfig.Sd15"/>.</param>
/// <param name="TokenLength">Tokens per sentence (40 for RefCOCO/RefCOCO+, 77 for RefCOCOg); null takes it from the VPD checkpoint's <c>args</c>, else from the base config.</param>
/// <param name="AllowFreshHead">
/// Accept a Stable Diffusion file without a VPD checkpoint: gamma, the text adapter and the head then keep
/// VPD's initialisation (gamma 1e-4, random adapter and head), the starting point of training.
/// </param>
/// <param name="UseTextAdapter">
/// Whether the model runs VPD's text adapter (the seed's recipe turns it off); null keeps the base config's
/// setting, or a product model file's. The adapter's weights are imported either way.
/// </param>
public sealed record CheckpointImportOptions(
    VpdModelConfig? BaseConfig = null, int? TokenLength = null, bool AllowFreshHead = false, bool? UseTextAdapter = null);
