using TorchSharp;
using Vpd.Core.Synthetic;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using static TorchSharp.torch;
using Vpd.Model;
using Vpd.Tools.Clip;

namespace Vpd.Tools.Training;

/// <summary>
/// Builds the model a run starts from: a random Tiny with the RefShapes tokenizer, or a product model file;
/// either with the text adapter switched as <see cref="TrainingOptions.TextAdapter"/> asks.
/// </summary>
public static class ModelInit
{
    // Seeding the global generator and building the model must not interleave with another build.
    private static readonly Lock GlobalGeneratorGate = new();

    /// <summary>The architecture <see cref="Create"/> would build, without building it.</summary>
    public static VpdModelConfig ConfigOf(TrainingOptions options) =>
        WithTextAdapter(IsTiny(options) ? TinyConfig(options, RefShapesTokenizer().VocabSize) : VpdModelFile.ReadConfig(options.Init), options.TextAdapter);

    /// <summary>The initial model on the CPU in float32, eval mode.</summary>
    public static VpdModel Create(TrainingOptions options)
    {
        if (!IsTiny(options))
        {
            var loaded = VpdModelFile.Load(options.Init, useTextAdapter: options.TextAdapter);
            if (options.FreshHead)
            {
                ReplaceHead(loaded, options.Seed);
            }
            return loaded;
        }
        var tokenizer = RefShapesTokenizer();
        var config = WithTextAdapter(TinyConfig(options, tokenizer.VocabSize), options.TextAdapter);
        lock (GlobalGeneratorGate)
        {
            // Module initialisers draw from libtorch's global generator.
            torch.manual_seed(options.Seed);
            return new VpdModel(config, tokenizer).Eval();
        }
    }

    /// <summary>
    /// Gives <paramref name="model"/> a new head: the weights a freshly built <c>SimpleDecoding</c> gets from libtorch's
    /// initialisers, drawn with <paramref name="seed"/>; BatchNorm statistics start at 0 and 1.
    /// </summary>
    public static void ReplaceHead(VpdModel model, long seed)
    {
        lock (GlobalGeneratorGate)
        {
            torch.manual_seed(seed);
            using var fresh = new Vpd.Model.Head.SimpleDecoding(model.Config.Refer.NeckDim);
            var target = model.Refer.Classifier.state_dict();
            using (torch.no_grad())
            {
                foreach (var (name, tensor) in fresh.state_dict())
                {
                    target[name].copy_(tensor);
                }
            }
        }
    }

    /// <summary>Loads a run's latest model file, refusing one whose architecture differs from <paramref name="expected"/>.</summary>
    public static VpdModel LoadMatching(string path, VpdModelConfig expected, string expectedSource)
    {
        var config = VpdModelFile.ReadConfig(path);
        var found = config.ToJson().ToJsonString();
        var wanted = expected.ToJson().ToJsonString();
        if (found != wanted)
        {
            throw new InvalidDataException(
                $"{path}: the checkpoint's architecture differs from {expectedSource}'s (checkpoint config {found}; expected {wanted})");
        }
        return VpdModelFile.Load(path);
    }

    public static bool IsTiny(TrainingOptions options) => options.Init == TrainingOptions.TinyInit;

    public static ClipTokenizer RefShapesTokenizer() => ClipTokenizerBuilder.FromWords(RefShapesVocabulary.Words);

    private static VpdModelConfig WithTextAdapter(VpdModelConfig config, bool? textAdapter) =>
        textAdapter is { } on ? config with { Refer = config.Refer with { UseTextAdapter = on } } : config;

    private static VpdModelConfig TinyConfig(TrainingOptions options, int vocabSize)
    {
        var tiny = VpdModelConfig.Tiny(vocabSize);
        return options.TinyConfig is { } custom ? custom with { Text = custom.Text with { VocabSize = vocabSize } } : tiny;
    }
}
