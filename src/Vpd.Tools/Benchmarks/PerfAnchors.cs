using System.Text.Json;

namespace Vpd.Tools.Benchmarks;

/// <summary>One reference timing: the median seconds of a full-size forward and its GMACs.</summary>
public sealed record PerfAnchor(string Name, double MedianSeconds, double Gmacs);

/// <summary>
/// The reference implementation's CPU timings (<c>perf_anchors.json</c>: <c>results.&lt;name&gt;.median_s</c>
/// and <c>gmacs</c>), keyed by forward name.
/// </summary>
public static class PerfAnchors
{
    /// <summary>CLIP ViT-L/14 text tower on 40 tokens.</summary>
    public const string Clip = "clip_text_vit_l14_40_tokens";

    /// <summary>VAE encoder + quant_conv on a 512 px image.</summary>
    public const string VaeEncoder = "vae_encoder_512";

    /// <summary>SD v1.5 UNet (plain, with the epsilon head) on 64x64 latents and 40 context tokens.</summary>
    public const string Unet = "unet_sd15_plain_eps_latent64_ctx40";

    /// <summary>The whole VPDRefer forward at 512 (VAE + UNet + head + resize), one sentence.</summary>
    public const string VpdForward = "vpd_refer_full_forward_512";

    /// <summary>Reads every entry of <c>results</c>; throws naming <paramref name="path"/> when the file does not have that layout.</summary>
    public static IReadOnlyDictionary<string, PerfAnchor> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"performance anchors file '{path}' does not exist", path);
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: no 'results' object");
            }
            var anchors = new Dictionary<string, PerfAnchor>(StringComparer.Ordinal);
            foreach (var entry in results.EnumerateObject())
            {
                if (!entry.Value.TryGetProperty("median_s", out var median) || !entry.Value.TryGetProperty("gmacs", out var gmacs))
                {
                    throw new InvalidDataException($"{path}: results.{entry.Name} lacks 'median_s' or 'gmacs'");
                }
                anchors[entry.Name] = new PerfAnchor(entry.Name, median.GetDouble(), gmacs.GetDouble());
            }
            return anchors;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a performance anchors file: {e.Message}", e);
        }
    }
}
