using System.Globalization;
using TorchSharp;
using Vpd.Model.Config;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

public sealed class Sd15LayoutTests
{
    [SkippableFact]
    public void StateDict_Sd15PresetOnMetaDevice_EqualsVpdReferSectionOfLayout()
    {
        var layout = ReadLayout("vpd_refer");
        var before = Environment.WorkingSet;
        using var model = new VpdRefer(VpdReferConfig.Sd15, META);
        var grown = Environment.WorkingSet - before;

        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => Describe(kv.Value));

        AssertSameLayout(layout, actual);
        Assert.All(model.state_dict().Values, t => Assert.Equal(DeviceType.META, t.device_type));
        // Building on the meta device must not materialise the 3.7 GB of float32 weights.
        Assert.True(grown < 512L * 1024 * 1024, $"building the Sd15 model grew the working set by {grown / (1024 * 1024)} MB");
    }

    [SkippableFact]
    public void StateDict_Sd15PresetUnetAndVae_EqualStableDiffusionSectionModuloPrefixes()
    {
        var sd15 = ReadLayout("sd15");
        using var model = new VpdRefer(VpdReferConfig.Sd15, META);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, tensor) in model.state_dict())
        {
            var sdKey = key switch
            {
                _ when key.StartsWith("unet.unet.diffusion_model.", StringComparison.Ordinal) => "model.diffusion_model." + key["unet.unet.diffusion_model.".Length..],
                _ when key.StartsWith("encoder_vq.", StringComparison.Ordinal) => "first_stage_model." + key["encoder_vq.".Length..],
                _ => null,
            };
            if (sdKey is not null)
            {
                renamed[sdKey] = Describe(tensor);
            }
        }

        var expected = sd15.Where(kv => kv.Key.StartsWith("model.diffusion_model.", StringComparison.Ordinal) || kv.Key.StartsWith("first_stage_model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        AssertSameLayout(expected, renamed);
    }

    private static void AssertSameLayout(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual)
    {
        var missing = expected.Keys.Except(actual.Keys).ToList();
        var unexpected = actual.Keys.Except(expected.Keys).ToList();
        var wrong = expected.Where(kv => actual.TryGetValue(kv.Key, out var a) && a != kv.Value).Select(kv => $"{kv.Key}: {actual[kv.Key]}, layout {kv.Value}").ToList();
        Assert.True(missing.Count + unexpected.Count + wrong.Count == 0,
            $"missing: {string.Join(", ", missing.Take(20))}\nunexpected: {string.Join(", ", unexpected.Take(20))}\nshape/dtype: {string.Join("; ", wrong.Take(20))}");
        Assert.NotEmpty(expected);
    }

    /// <summary>Rows of one section of sd15_layout.tsv as key -> "shape dtype".</summary>
    private static Dictionary<string, string> ReadLayout(string section)
    {
        var path = RepoPaths.Golden("sd15_layout.tsv");
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t');
            if (line.StartsWith('#') || fields.Length < 4 || fields[0] != section)
            {
                continue;
            }
            rows[fields[1]] = $"{fields[2]} {fields[3]}";
        }
        return rows;
    }

    private static string Describe(Tensor tensor)
    {
        var shape = tensor.shape.Length == 0 ? "scalar" : string.Join("x", tensor.shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dtype = tensor.dtype switch
        {
            ScalarType.Float32 => "F32",
            ScalarType.Int64 => "I64",
            var other => other.ToString(),
        };
        return $"{shape} {dtype}";
    }
}
