using Vpd.Cli.Common;
using Vpd.Model.Checkpoints;

namespace Vpd.Cli.Tests.Commands;

[Collection(ModelVerbsCollection.Name)]
public sealed class TrainCommandTests(ModelVerbsFixture fixture)
{
    [Fact]
    public async Task Train_TinyOneEpoch_PrintsStepsValidationAndCheckpoints()
    {
        var outDir = fixture.NewFolder();

        var (code, output, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--dataset", "refshapes", "--init", "tiny", "--trainable", "head+adapter+unet",
            "--epochs", "1", "--batch-size", "2", "--limit", "4", "--lr", "1e-3", "--val-split", "val", "--val-limit", "2",
            "--out", outDir, "--log-every", "1");

        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("epoch 1 step 2/2 loss", output, StringComparison.Ordinal);
        Assert.Contains("val: oIoU", output, StringComparison.Ordinal);
        Assert.Contains("saved best:", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "epoch-001.safetensors")));
    }

    [Fact]
    public async Task Train_UnknownTrainable_ExitsBadInputListingChoices()
    {
        var (code, _, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--init", "tiny", "--trainable", "vae", "--out", fixture.NewFolder());

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("head+adapter+unet", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Train_InitFromStableDiffusionAndVpdCheckpoints_ImportsThemOnceThenTrains()
    {
        var outDir = fixture.NewFolder();
        var sd = TinyCheckpoints.WriteStableDiffusion(outDir);
        var config = TinyCheckpoints.WriteConfig(outDir);

        var (code, output, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--dataset", "refshapes", "--init", sd, TinyCheckpoints.PthPath,
            "--tokenizer", TinyCheckpoints.TokenizerDir, "--config", config, "--trainable", "head",
            "--epochs", "1", "--batch-size", "2", "--limit", "2", "--out", outDir, "--log-every", "1");

        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains($"imported {sd} + {TinyCheckpoints.PthPath} into {Path.Combine(outDir, "init.safetensors")}", output, StringComparison.Ordinal);
        Assert.Contains("epoch 1 step 1/1 loss", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "epoch-001.safetensors")));
    }

    [SkippableFact]
    public async Task Train_StableDiffusionWithoutTokenizer_ExitsBadInputAskingForIt()
    {
        var outDir = fixture.NewFolder();
        var sd = TinyCheckpoints.WriteStableDiffusion(outDir);

        var (code, _, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--init", sd, "--config", TinyCheckpoints.WriteConfig(outDir), "--out", outDir);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("tokenizer", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outDir, "init.safetensors")));
    }

    [Fact]
    public async Task Train_TinyWithTokenizer_ExitsBadInputSayingTheModelIsDefined()
    {
        var (code, _, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--init", "tiny", "--tokenizer", "somewhere", "--out", fixture.NewFolder());

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--init tiny already defines the model", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_FromAnEarlierRunsModel_KeepsThatRunsProvenance()
    {
        var first = fixture.NewFolder();
        var second = fixture.NewFolder();
        string[] common = ["--data", fixture.DataRoot, "--dataset", "refshapes", "--trainable", "head", "--epochs", "1", "--batch-size", "2", "--limit", "2"];

        var one = await CliRun.InvokeAsync(["train", "--init", "tiny", "--seed", "11", "--out", first, .. common]);
        var two = await CliRun.InvokeAsync(["train", "--init", Path.Combine(first, "last.safetensors"), "--seed", "12", "--out", second, .. common]);

        Assert.True(one.ExitCode == ExitCodes.Ok && two.ExitCode == ExitCodes.Ok, one.ToString() + two);
        var provenance = Vpd.Model.Checkpoints.VpdModelFile.ReadProvenance(Path.Combine(second, "last.safetensors"));
        Assert.Equal("12", provenance["seed"]);
        var before = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(provenance["init_provenance"])!;
        Assert.Equal("11", before["seed"]);
        Assert.StartsWith("tiny", before["init"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_SeedRecipeSwitches_RecordedInTheModelFile()
    {
        var outDir = fixture.NewFolder();

        var (code, output, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--dataset", "refshapes", "--init", "tiny", "--trainable", "head", "--text-adapter", "off",
            "--no-decay", "biases+norm-layers", "--subset", "3", "--subset-seed", "4", "--epochs", "1", "--batch-size", "3", "--out", outDir);

        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("training 3 objects", output, StringComparison.Ordinal);
        var model = Path.Combine(outDir, "last.safetensors");
        Assert.False(VpdModelFile.ReadConfig(model).Refer.UseTextAdapter);
        var provenance = VpdModelFile.ReadProvenance(model);
        Assert.Equal(("off", "biases+norm-layers", "3", "4"), (provenance["text_adapter"], provenance["no_decay"], provenance["subset"], provenance["subset_seed"]));
    }

    [Fact]
    public async Task Train_UnknownNoDecayRule_ExitsBadInputListingChoices()
    {
        var (code, _, error) = await CliRun.InvokeAsync(
            "train", "--data", fixture.DataRoot, "--init", "tiny", "--no-decay", "biases", "--out", fixture.NewFolder());

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("norm-names, biases+norm-layers", error, StringComparison.Ordinal);
    }
}
