using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using static TorchSharp.torch;
using Vpd.Model;
using Vpd.Tools.Checkpoints;

namespace Vpd.Tools.SelfTest;

/// <summary>
/// <c>vpd_refer_tiny.pth</c>: VPD's torch.save checkpoint read by the restricted unpickler holds the same
/// tensors as <c>vpd_refer_tiny.safetensors</c>, loads strictly and gives the same logits.
/// </summary>
public sealed class PthCheckpointCase : ISelfTestCase
{
    public string Name => "vpd_pth";

    public IReadOnlyList<string> Files { get; } = ["vpd_refer_tiny.pth", "vpd_refer_tiny.safetensors"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var pthPath = Path.Combine(goldenDir, Files[0]);
        var referPath = Path.Combine(goldenDir, Files[1]);
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(referPath), referPath);
        var checkpoint = TorchCheckpointReader.Read(pthPath, "model");
        var golden = SafetensorsFile.Load(referPath);
        try
        {
            var checks = new List<TensorCheck> { SameTensors(checkpoint.Tensors, golden) };
            if (checkpoint.Args?.GetValueOrDefault("token_length") is long tokenLength)
            {
                checks.Add(TensorCheck.Exact(Name, "args.token_length", tokenLength == config.TokenLength,
                    $"checkpoint {tokenLength}, config {config.TokenLength}"));
            }
            using var model = new VpdRefer(config);
            StateDictLoader.LoadStrict(model, checkpoint.Tensors, pthPath);
            model.eval();
            using var result = model.Predict(golden["input.image"], golden["input.l_feats"]);
            checks.Add(TensorCheck.Compare(Name, "output.logits", result.Logits, golden["output.logits"]));
            return checks;
        }
        finally
        {
            GoldenFile.DisposeAll(golden);
            GoldenFile.DisposeAll(checkpoint.Tensors);
        }
    }

    private TensorCheck SameTensors(IReadOnlyDictionary<string, Tensor> pth, IReadOnlyDictionary<string, Tensor> golden)
    {
        var weights = golden.Keys.Where(k => !VpdReferCase.IsTestData(k)).ToList();
        var problems = new List<string>();
        problems.AddRange(weights.Where(k => !pth.ContainsKey(k)).Select(k => $"missing {k}"));
        problems.AddRange(pth.Keys.Where(k => !golden.ContainsKey(k)).Select(k => $"extra {k}"));
        foreach (var key in weights.Where(pth.ContainsKey))
        {
            var a = pth[key];
            var b = golden[key];
            if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape) || !a.contiguous().bytes.SequenceEqual(b.contiguous().bytes))
            {
                problems.Add($"differs {key}");
            }
        }
        return TensorCheck.Exact(Name, "state_dict", problems.Count == 0,
            problems.Count == 0 ? $"{weights.Count} tensors bit-identical to {Files[1]}" : string.Join(", ", problems.Take(5)));
    }
}
