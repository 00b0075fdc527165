using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using static TorchSharp.torch;

namespace Vpd.Tools.SelfTest;

/// <summary><c>clip_text_tiny.safetensors</c>: the CLIP text transformer's hidden states and <c>last_hidden_state</c>.</summary>
public sealed class ClipCase : ISelfTestCase
{
    private const string HiddenPrefix = "intermediate.hidden_states.";

    public string Name => "clip";

    public IReadOnlyList<string> Files { get; } = ["clip_text_tiny.safetensors"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var path = Path.Combine(goldenDir, Files[0]);
        var metadata = SafetensorsFile.ReadMetadata(path);
        var config = ClipTextConfig.FromJson(metadata.TryGetValue("config", out var json) ? json : throw new InvalidDataException($"{path}: no 'config' metadata"), path);
        var golden = SafetensorsFile.Load(path);
        try
        {
            using var model = new ClipTextModel(config);
            var weights = golden.Where(p => p.Key.StartsWith("text_model.", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
            StateDictLoader.LoadStrict(model, weights, path, ClipTextModel.IsIgnorableCheckpointKey);
            model.eval();
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            var output = model.ForwardWithHiddenStates(golden["input.input_ids"]);
            Tensor? Produced(string name)
            {
                if (name == "output.last_hidden_state")
                {
                    return output.LastHiddenState;
                }
                return name.StartsWith(HiddenPrefix, StringComparison.Ordinal) && int.TryParse(name[HiddenPrefix.Length..], out var i) && i >= 0 && i < output.HiddenStates.Count
                    ? output.HiddenStates[i]
                    : null;
            }
            return GoldenFile.CompareAll(Name, path, golden, Produced, _ => false);
        }
        finally
        {
            GoldenFile.DisposeAll(golden);
        }
    }
}
