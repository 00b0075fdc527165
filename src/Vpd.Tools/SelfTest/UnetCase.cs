using System.Globalization;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Unet;
using static TorchSharp.torch;

namespace Vpd.Tools.SelfTest;

/// <summary><c>unet_tiny.safetensors</c>: epsilon, VPD's hierarchical features and attention maps, every block's output.</summary>
public sealed class UnetCase : ISelfTestCase
{
    public string Name => "unet";

    public IReadOnlyList<string> Files { get; } = ["unet_tiny.safetensors"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var path = Path.Combine(goldenDir, Files[0]);
        var metadata = SafetensorsFile.ReadMetadata(path);
        if (!metadata.TryGetValue("unet_config", out var unetConfig) || !metadata.TryGetValue("base_size", out var baseSize))
        {
            throw new InvalidDataException($"{path}: metadata lacks 'unet_config' or 'base_size'");
        }
        var config = UnetConfig.FromJson(unetConfig, path);
        var golden = SafetensorsFile.Load(path);
        try
        {
            using var wrapper = new VpdUnetWrapper(config, int.Parse(baseSize, CultureInfo.InvariantCulture));
            StateDictLoader.LoadStrict(wrapper.Unet, golden, path, prefix: "model.");
            wrapper.eval();
            using var capture = new TraceCapture();
            using (inference_mode())
            using (var scope = NewDisposeScope())
            {
                var output = wrapper.forward(golden["input.x"], golden["input.timesteps"], golden["input.context"], capture.Trace, computeEps: true);
                capture.Record("output.eps", output.Eps!);
                for (var i = 0; i < output.Hierarchical.Count; i++)
                {
                    capture.Record($"output.hier.{i}", output.Hierarchical[i]);
                    capture.Record($"output.vpd_features.{i}", output.Features[i]);
                }
                foreach (var (side, map) in output.AttentionMaps)
                {
                    capture.Record($"output.attn.{side}x{side}", map);
                }
            }
            return GoldenFile.CompareAll(Name, path, golden, name => capture.Get(GoldenFile.TraceName(name)),
                name => name.Contains("attn", StringComparison.Ordinal));
        }
        finally
        {
            GoldenFile.DisposeAll(golden);
        }
    }
}
