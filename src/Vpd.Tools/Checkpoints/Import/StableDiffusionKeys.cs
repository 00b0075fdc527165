namespace Vpd.Tools.Checkpoints.Import;

/// <summary>
/// Which keys of a Stable Diffusion v1.x single file VPD uses and which it deliberately leaves out.
/// Everything else is unknown and refused, so a file of another layout (SD 2.x, SDXL, a LoRA) is not
/// half-loaded.
/// </summary>
public static class StableDiffusionKeys
{
    /// <summary>Where the CLIP text encoder lives in an SD file (its keys continue with <c>text_model.</c>).</summary>
    public const string TextPrefix = "cond_stage_model.transformer.";

    /// <summary>Prefixes of the tensors VPD reads: UNet, VAE encoder and quant convs, CLIP text model.</summary>
    public static IReadOnlyList<string> UsedPrefixes { get; } =
    [
        "model.diffusion_model.",
        "first_stage_model.encoder.",
        "first_stage_model.quant_conv.",
        // VPDRefer keeps post_quant_conv (unused by its forward), so the SD file's copy is loaded, as VPD does.
        "first_stage_model.post_quant_conv.",
        TextPrefix + "text_model.",
    ];

    /// <summary>Prefixes of tensors an SD file holds that VPD does not need: the VAE decoder and the EMA copy of the UNet.</summary>
    public static IReadOnlyList<string> IgnoredPrefixes { get; } = ["first_stage_model.decoder.", "model_ema."];

    /// <summary>The diffusion schedule buffers of ldm's DDPM (golden sd15_layout.tsv section <c>sd15_schedule_buffer</c>); the schedule is recomputed.</summary>
    public static IReadOnlySet<string> ScheduleBuffers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
        "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
        "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
    };

    /// <summary>The Hugging Face <c>position_ids</c> buffer (always 0..76) that older SD files store.</summary>
    public const string PositionIds = TextPrefix + "text_model.embeddings.position_ids";

    /// <summary>True for keys VPD reads.</summary>
    public static bool IsUsed(string key) => key != PositionIds && UsedPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    /// <summary>True for keys an SD file legitimately holds that VPD does not read.</summary>
    public static bool IsIgnored(string key) =>
        key == PositionIds || ScheduleBuffers.Contains(key) || IgnoredPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    /// <summary>True for keys that belong to the CLIP text encoder.</summary>
    public static bool IsText(string key) => key.StartsWith(TextPrefix, StringComparison.Ordinal);

    /// <summary>True when a state dict looks like an SD file (has UNet keys).</summary>
    public static bool LooksLikeStableDiffusion(IEnumerable<string> keys) =>
        keys.Any(k => k.StartsWith("model.diffusion_model.", StringComparison.Ordinal));
}
