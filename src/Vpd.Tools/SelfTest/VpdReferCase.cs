using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using Vpd.Model;

namespace Vpd.Tools.SelfTest;

/// <summary><c>vpd_refer_tiny.safetensors</c>: the whole VPDRefer forward, plain and with noised latents.</summary>
public sealed class VpdReferCase : ISelfTestCase
{
    /// <summary>Name prefixes of a golden file's test data (never checkpoint keys).</summary>
    public static readonly IReadOnlyList<string> TestPrefixes = ["input.", "output.", "intermediate.", "constant."];

    public string Name => "vpd_refer";

    public IReadOnlyList<string> Files { get; } = ["vpd_refer_tiny.safetensors"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var path = Path.Combine(goldenDir, Files[0]);
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(path), path);
        var golden = SafetensorsFile.Load(path);
        try
        {
            using var model = new VpdRefer(config);
            StateDictLoader.LoadStrict(model, golden, path, ignore: IsTestData);
            model.eval();
            var image = golden["input.image"];
            var text = golden["input.l_feats"];
            var noiseStep = GoldenFile.SharedStep(golden, "constant.noise_timestep", path);
            using var capture = new TraceCapture();
            using (inference_mode())
            using (var scope = NewDisposeScope())
            {
                var plain = model.forward(image, text, trace: capture.Trace.Prefixed("intermediate."));
                foreach (var (side, map) in plain.AttentionMaps)
                {
                    capture.Record($"intermediate.attn.{side}x{side}", map);
                }
                model.forward(image, text, noiseStep, golden["input.noise"], capture.Trace.Prefixed("intermediate.noised."));
            }
            // The outputs come from the inference entry point, the way the product calls it.
            using (var plain = model.Predict(image, text))
            {
                capture.Record("output.logits", plain.Logits);
            }
            using (var noised = model.Predict(image, text, noiseStep, golden["input.noise"]))
            {
                capture.Record("output.logits_noised", noised.Logits);
            }
            var checks = GoldenFile.CompareAll(Name, path, golden, capture.Get, name => name.Contains(".attn.", StringComparison.Ordinal));
            // A batch of B samples runs the UNet at the config's timestep for each of them.
            using var timestep = GoldenFile.PerSample(config.Timestep, image.shape[0]);
            checks.Add(TensorCheck.Compare(Name, "constant.timestep", timestep, golden["constant.timestep"]));
            return checks;
        }
        finally
        {
            GoldenFile.DisposeAll(golden);
        }
    }

    /// <summary>True for the test-data names of a golden file.</summary>
    public static bool IsTestData(string name) => TestPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
