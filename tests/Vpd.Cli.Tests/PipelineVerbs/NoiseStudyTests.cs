using System.Security.Cryptography;
using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Cli.Study;
using Vpd.Core.Contracts;
using Vpd.Core.Synthetic;
using Vpd.TestSupport;
using Vpd.Tools.Training;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary><c>vpd study noise</c> on a handful of RefShapes objects: heads trained a few steps, evaluated through Azurite.</summary>
[Collection(CliAzuriteCollection.Name)]
public sealed class NoiseStudyTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string Backbone = Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors");

    private readonly TempDir _dir = new("vpd-study");
    private readonly string _prefix = $"s{Guid.NewGuid():N}"[..12];

    public void Dispose() => _dir.Dispose();

    private string DataRoot
    {
        get
        {
            var root = _dir.File("data");
            if (!Directory.Exists(root))
            {
                RefShapesGenerator.Write(root, new RefShapesOptions
                {
                    TrainImages = 4, ValImages = 2, TestAImages = 0, TestBImages = 0, ImageSize = 64, MaxShapeSize = 24, Seed = 7,
                });
            }
            return root;
        }
    }

    [Fact]
    public async Task Study_TwoSteps_PrintsOneCompleteRowPerStepAndWritesReportAndFigures()
    {
        var folder = _dir.File("two-steps");

        var result = await CliRun.InvokeAsync(StudyArgs(folder, epochs: 1));

        Assert.True(result.ExitCode == 0, result.ToString());
        var results = ContractJson.Parse<NoiseStudyResults>(await File.ReadAllBytesAsync(Path.Combine(folder, NoiseStudy.ResultsFile)), "results.json");
        Assert.Equal([0, 100], results.Rows.Select(r => r.Head.NoiseStep));
        foreach (var row in results.Rows)
        {
            Assert.Equal(RunState.Complete, row.Val.State);
            Assert.True(row.Val.Counts.Expected > 0 && row.Val.Counts.Succeeded == row.Val.Counts.Expected, $"{row.Head.Name} val counts {row.Val.Counts}");
            Assert.NotNull(row.Train);
            Assert.True(row.Train.Counts.Expected > 0 && row.Train.Counts.Succeeded == row.Train.Counts.Expected, $"{row.Head.Name} train counts {row.Train.Counts}");
            Assert.InRange(row.Val.OverallIou, 0, 1);
        }
        // The printed table: a val and a train line per step, each with its sentence count.
        var lines = result.Output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        foreach (var row in results.Rows)
        {
            var t = row.Head.NoiseStep.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Single(lines, l => l.Length > 3 && l[0] == t && l[2] == "val" && l.Contains(row.Val.Counts.Succeeded.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Single(lines, l => l.Length > 3 && l[0] == t && l[2] == "train");
        }
        // Both heads share one frozen backbone, so each of the 6 images (2 val, at most 4 train) is encoded once.
        Assert.InRange(results.SharedLatentMisses, 1, 6);
        Assert.True(results.SharedLatentHits >= results.SharedLatentMisses, $"{results.SharedLatentHits} latents shared");
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
        Assert.True(new FileInfo(Path.Combine(folder, "figures", "overlays-across-t.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(folder, "figures", "attention-across-t.png")).Length > 1000);
    }

    [Fact]
    public async Task Study_InterruptedDuringTrainingThenResumed_EqualsAnUninterruptedStudy()
    {
        var whole = _dir.File("whole");
        var resumed = _dir.File("resumed");
        var uninterrupted = await CliRun.InvokeAsync(StudyArgs(whole, epochs: 2));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        // Stop the study once its first head has finished one of its two epochs.
        using var stop = new CancellationTokenSource();
        var firstHead = Path.Combine(resumed, "train", new StudyHead(0, 1).Name);
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (File.Exists(TrainingState.StatePath(firstHead)))
                {
                    await stop.CancelAsync();
                }
                await Task.Delay(5);
            }
        });
        var interruptedExit = await Program.InvokeAsync(StudyArgs(resumed, epochs: 2), new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() }, stop.Token);
        await stop.CancelAsync();
        await watcher;
        Assert.Equal(ExitCodes.Cancelled, interruptedExit);
        Assert.False(File.Exists(Path.Combine(resumed, NoiseStudy.ResultsFile)), "the interrupted study wrote results");

        var rest = await CliRun.InvokeAsync(StudyArgs(resumed, epochs: 2));

        Assert.True(rest.ExitCode == 0, rest.ToString());
        Assert.Contains("resuming", rest.Output, StringComparison.Ordinal);
        var expected = ContractJson.Parse<NoiseStudyResults>(await File.ReadAllBytesAsync(Path.Combine(whole, NoiseStudy.ResultsFile)), "whole");
        var actual = ContractJson.Parse<NoiseStudyResults>(await File.ReadAllBytesAsync(Path.Combine(resumed, NoiseStudy.ResultsFile)), "resumed");
        foreach (var (want, got) in expected.Rows.Zip(actual.Rows, (a, b) => (a, b)))
        {
            Assert.Equal(want.Head, got.Head);
            Assert.Equal(Sha256(Path.Combine(whole, "train", want.Head.Name, TrainingState.ModelFileName)),
                Sha256(Path.Combine(resumed, "train", got.Head.Name, TrainingState.ModelFileName)));
            foreach (var (a, b) in new[] { (want.Val, got.Val), (want.Train!, got.Train!) })
            {
                Assert.Equal(a.Counts, b.Counts);
                Assert.Equal(a.OverallIou, b.OverallIou);
                Assert.Equal(a.MeanIou, b.MeanIou);
                Assert.Equal(a.Precision, b.Precision);
            }
        }
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
    }

    [Fact]
    public async Task Study_ResumedWithOtherOptions_RefusesNamingTheFolder()
    {
        var folder = _dir.File("other");
        Directory.CreateDirectory(folder);
        var plan = StudyArgs(folder, epochs: 1);
        await File.WriteAllTextAsync(Path.Combine(folder, NoiseStudy.PlanFile), "{\"schemaVersion\": 1, \"name\": \"x\"}");

        var result = await CliRun.InvokeAsync(plan);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(NoiseStudy.PlanFile, result.Error, StringComparison.Ordinal);
    }

    private string[] StudyArgs(string folder, int epochs) =>
    [
        "study", "noise", "--backbone", Backbone, "--data", DataRoot, "--dataset", "refshapes", "--state", folder,
        "--steps", "0,100", "--subset", "6", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--batch-size", "3", "--lr", "1e-3", "--train-eval", "3", "--attention", "every:2", "--workers", "1",
        "--connection", azurite.ConnectionString, "--storage-prefix", _prefix,
    ];

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
