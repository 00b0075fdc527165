using Microsoft.Extensions.Configuration;

namespace Vpd.Pipeline.Hosting;

/// <summary>
/// What belongs to the host that runs the workers rather than to a run: the device models run on and whether an
/// object's sentences share one forward. Read from configuration (app settings or environment): <c>VPD_DEVICE</c>
/// (<c>cpu</c>, the default, or <c>cuda</c> / <c>cuda:N</c>; the CUDA image sets <c>cuda</c>),
/// <c>VPD_BATCH_SENTENCES</c> (<c>false</c> by default), <c>VPD_SHARE_LATENTS</c> (<c>true</c> by default) and
/// <c>VPD_MODEL_CACHE</c>. Every result row records the device that produced it.
/// </summary>
public sealed record HostSettings
{
    public const string DeviceSetting = "VPD_DEVICE";
    public const string BatchSentencesSetting = "VPD_BATCH_SENTENCES";
    public const string ModelCacheSetting = "VPD_MODEL_CACHE";
    public const string ShareLatentsSetting = "VPD_SHARE_LATENTS";

    public static HostSettings Cpu { get; } = new();

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// False: each sentence runs through text encoder, UNet and head on its own, so a mask never depends on which
    /// sentences came with it (libtorch's kernels pick different blockings per batch size and can flip near-tie
    /// pixels). True: an object's sentences share one forward, faster on a GPU, reproducible only for the same grouping.
    /// </summary>
    public bool BatchSentences { get; init; }

    /// <summary>
    /// Models with the same image encoder share the latents they compute (on by default): the heads of a noise-step
    /// study, trained on one frozen backbone, then encode each image once per process instead of once per model.
    /// </summary>
    public bool ShareLatents { get; init; } = true;

    /// <summary>Where downloaded model files are kept (default: a folder under the temp directory).</summary>
    public string ModelCacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "vpd-model-cache");

    /// <exception cref="ArgumentException">A setting with a value it cannot have, naming the setting.</exception>
    public static HostSettings From(IConfiguration configuration)
    {
        var settings = new HostSettings();
        if (configuration[DeviceSetting] is { Length: > 0 } device)
        {
            settings = settings with { Device = device.Trim().ToLowerInvariant() };
        }
        if (configuration[BatchSentencesSetting] is { Length: > 0 } batch)
        {
            settings = settings with
            {
                BatchSentences = bool.TryParse(batch, out var value)
                    ? value
                    : throw new ArgumentException($"{BatchSentencesSetting} is '{batch}': expected true or false"),
            };
        }
        if (configuration[ShareLatentsSetting] is { Length: > 0 } share)
        {
            settings = settings with
            {
                ShareLatents = bool.TryParse(share, out var value)
                    ? value
                    : throw new ArgumentException($"{ShareLatentsSetting} is '{share}': expected true or false"),
            };
        }
        if (configuration[ModelCacheSetting] is { Length: > 0 } cache)
        {
            settings = settings with { ModelCacheDirectory = cache };
        }
        settings.ValidateName();
        return settings;
    }

    /// <exception cref="ArgumentException">The device is not cpu, cuda or cuda:N.</exception>
    public void ValidateName()
    {
        if (Device != "cpu" && Device != "cuda" && !(Device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(Device.AsSpan(5), out var n) && n >= 0))
        {
            throw new ArgumentException($"{DeviceSetting} is '{Device}': expected cpu, cuda or cuda:N");
        }
    }
}
