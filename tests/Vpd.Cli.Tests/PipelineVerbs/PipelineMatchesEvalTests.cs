using System.Text;
using System.Text.Json.Nodes;
using TorchSharp;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Core.Synthetic;
using Vpd.Model;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.TestSupport;
using static TorchSharp.torch;
using Vpd.Tools.Clip;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>
/// The product's central promise: a run through enqueue, queue workers and the aggregator reports exactly
/// the metrics that in-process evaluation (<c>vpd eval</c>) computes for the same model file and split.
/// </summary>
[Collection(CliAzuriteCollection.Name)]
public sealed class PipelineMatchesEvalTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public async Task ModelRun_ThroughQueues_EqualsInProcessEvalExactly(int noiseStep)
    {
        torch.set_num_threads(1);
        using var dir = new TempDir("vpd-parity");
        var data = dir.File("data");
        RefShapesGenerator.Write(data, new RefShapesOptions { Seed = 5, TrainImages = 0, ValImages = 3, TestAImages = 0, TestBImages = 0 });
        var modelFile = dir.File("tiny.safetensors");
        WriteTinyModelWithMixedMasks(data, modelFile);
        var prefix = $"p{Guid.NewGuid():N}"[..12];
        string[] storage = ["--connection", azurite.ConnectionString, "--storage-prefix", prefix];
        string[] noise = ["--noise-step", noiseStep.ToString(System.Globalization.CultureInfo.InvariantCulture), "--noise-seed", "9"];

        var eval = await CliRun.InvokeAsync(["eval", "--data", data, "--dataset", "refshapes", "--split", "val", "--checkpoint", modelFile, "--json", .. noise]);
        var enqueue = await CliRun.InvokeAsync(["enqueue", "--data", data, "--dataset", "refshapes", "--split", "val", "--run", "parity", "--model", modelFile, .. noise, .. storage]);
        var work = await CliRun.InvokeAsync(["work", "--run", "parity", "--workers", "2", .. storage]);
        var metrics = await CliRun.InvokeAsync(["metrics", "--run", "parity", "--json", .. storage]);

        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.True(enqueue.ExitCode == 0, enqueue.ToString());
        Assert.True(work.ExitCode == 0, work.ToString());
        Assert.True(metrics.ExitCode == 0, metrics.ToString());
        var expected = JsonNode.Parse(eval.Output)!["rows"]![0]!;
        var stored = RunMetrics.Parse(Encoding.UTF8.GetBytes(metrics.Output), "vpd metrics --json");
        Assert.Equal(0, stored.Counts.Failed);
        Assert.Equal((long)expected["sentences"]!, stored.Counts.Succeeded);
        Assert.Equal((double)expected["oIoU"]!, stored.OverallIou);
        Assert.Equal((double)expected["mIoU"]!, stored.MeanIou);
        // Not a vacuous agreement: the model predicts some foreground and misses some.
        Assert.InRange(stored.OverallIou, 1e-6, 1 - 1e-6);
    }

    // A random Tiny model predicts one class almost everywhere; shifting the class-1 bias by the median logit
    // gap on a val image makes its masks mixed, so the comparison above exercises real I and U values.
    private static void WriteTinyModelWithMixedMasks(string dataRoot, string path)
    {
        torch.manual_seed(3);
        var tokenizer = ClipTokenizerBuilder.FromWords(RefShapesVocabulary.Words);
        using var model = new VpdModel(VpdModelConfig.Tiny(tokenizer.VocabSize), tokenizer).Eval();
        var dataset = ReferDataset.Load(dataRoot, "refshapes");
        var sample = dataset.Samples("val")[0];
        var size = model.Config.Refer.ImageSize;
        using (torch.inference_mode())
        using (var scope = torch.NewDisposeScope())
        {
            var image = torch.tensor(EvalTransform.LoadImage(sample.ImagePath, size), [1, 3, size, size]);
            var text = model.EncodeText([sample.Sentence]);
            using var result = model.Refer.Predict(image, text);
            var gap = (result.Logits[0, 0] - result.Logits[0, 1]).median().item<float>();
            using (torch.no_grad())
            {
                var bias = model.Refer.named_parameters().Single(p => p.name == "classifier.conv1_1.bias").parameter;
                bias[1].add_(gap);
            }
        }
        VpdModelFile.Save(model, path);
    }
}
