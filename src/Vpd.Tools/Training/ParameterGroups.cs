using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using Vpd.Model;

namespace Vpd.Tools.Training;

/// <summary>
/// Freezes the model, unfreezes the trainable parts and splits their parameters into AdamW groups with and
/// without weight decay (docs/training.md; <see cref="WeightDecayExemption"/> says which go without).
/// A model whose text adapter is off never trains it: gamma and the adapter get no gradient there.
/// </summary>
public static class ParameterGroups
{
    /// <summary>The trained parameters by full name (VPDRefer keys; the text encoder's under <c>text.</c>).</summary>
    public static IReadOnlyList<(string Name, Parameter Parameter)> Select(VpdModel model, TrainableParts parts)
    {
        var selected = new List<(string, Parameter)>();
        var refer = model.Refer;
        selected.AddRange(Named(refer.Classifier, "classifier."));
        if (TrainsAdapter(model, parts))
        {
            selected.Add(("gamma", refer.Gamma));
            selected.AddRange(Named(refer.TextAdapter, "text_adapter."));
        }
        if (parts.TrainsUnet())
        {
            selected.AddRange(Named(refer.Unet, "unet."));
        }
        if (parts.TrainsStemAndText())
        {
            selected.AddRange(Named(refer.EncoderVq, "encoder_vq."));
            selected.AddRange(Named(model.TextEncoder, "text."));
        }
        return selected;
    }

    /// <summary>Sets requires_grad on exactly the trainable parameters, and train mode on exactly the trainable modules.</summary>
    public static void Freeze(VpdModel model, TrainableParts parts)
    {
        foreach (var parameter in model.Refer.parameters().Concat(model.TextEncoder.parameters()))
        {
            parameter.requires_grad = false;
        }
        foreach (var (_, parameter) in Select(model, parts))
        {
            parameter.requires_grad = true;
        }
        SetTrainMode(model, parts);
    }

    /// <summary>Frozen modules stay in eval mode (BatchNorm keeps its running statistics); trainable ones train.</summary>
    public static void SetTrainMode(VpdModel model, TrainableParts parts)
    {
        model.Eval();
        model.Refer.Classifier.train();
        if (TrainsAdapter(model, parts))
        {
            model.Refer.TextAdapter.train();
        }
        if (parts.TrainsUnet())
        {
            model.Refer.Unet.train();
        }
        if (parts.TrainsStemAndText())
        {
            model.Refer.EncoderVq.train();
            model.TextEncoder.train();
        }
    }

    /// <summary>The trained parameters AdamW must not decay, by full name (<see cref="Select"/>'s names).</summary>
    public static IReadOnlySet<string> NoDecayNames(VpdModel model, TrainableParts parts, WeightDecayExemption exemption)
    {
        var names = Select(model, parts).Select(p => p.Name);
        return exemption switch
        {
            WeightDecayExemption.NormNames => names.Where(IsNormName).ToHashSet(StringComparer.Ordinal),
            WeightDecayExemption.BiasesAndNormLayers => BiasesAndNormLayers(model, names),
            _ => throw new ArgumentOutOfRangeException(nameof(exemption), exemption, null),
        };
    }

    /// <summary>VPD's <c>refer/train.py</c> rule: <c>'norm' in name</c> on the parameter's full name.</summary>
    public static bool IsNormName(string fullName) => fullName.Contains("norm", StringComparison.Ordinal);

    /// <summary>
    /// AdamW over the trainable parameters: one group decayed by <paramref name="weightDecay"/>, one (the
    /// exempt parameters) at 0, both passed explicitly (TorchSharp's default is 0).
    /// </summary>
    public static optim.Optimizer AdamW(
        VpdModel model, TrainableParts parts, double learningRate, double weightDecay, WeightDecayExemption exemption)
    {
        var noDecay = NoDecayNames(model, parts, exemption);
        var all = Select(model, parts);
        var groups = new List<AdamW.ParamGroup>
        {
            new(all.Where(p => !noDecay.Contains(p.Name)).Select(p => p.Parameter), lr: learningRate, weight_decay: weightDecay),
            new(all.Where(p => noDecay.Contains(p.Name)).Select(p => p.Parameter), lr: learningRate, weight_decay: 0.0),
        };
        return optim.AdamW(groups, learningRate, weight_decay: weightDecay);
    }

    private static bool TrainsAdapter(VpdModel model, TrainableParts parts) => parts.TrainsAdapter() && model.Config.Refer.UseTextAdapter;

    private static HashSet<string> BiasesAndNormLayers(VpdModel model, IEnumerable<string> names)
    {
        var normPrefixes = new List<string>();
        void Collect(nn.Module root, string prefix)
        {
            foreach (var (name, module) in root.named_modules())
            {
                if (module is LayerNorm or GroupNorm or GroupNorm32 or BatchNorm2d)
                {
                    normPrefixes.Add(prefix + name + ".");
                }
            }
        }
        Collect(model.Refer, "");
        Collect(model.TextEncoder, "text.");
        return names
            .Where(name => name.EndsWith(".bias", StringComparison.Ordinal) || normPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<(string, Parameter)> Named(nn.Module module, string prefix) =>
        module.named_parameters().Select(p => (prefix + p.name, p.parameter));
}
