using Vpd.Model.Checkpoints;
using Vpd.Tools.SelfTest;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests;

public sealed class ConvertCommandTests
{
    [SkippableFact]
    public async Task Convert_SdFileAndVpdPth_WritesAModelFileWithProvenanceGivingGoldenLogits()
    {
        using var dir = new TempDir();
        var sd = TinyCheckpoints.WriteStableDiffusion(dir.Path);
        var output = dir.File("model.safetensors");

        var result = await CliRun.InvokeAsync("convert", sd, TinyCheckpoints.PthPath, "--out", output,
            "--tokenizer", TinyCheckpoints.TokenizerDir, "--config", TinyCheckpoints.WriteConfig(dir.Path));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(VpdModelFile.Sha256(output), result.Output);
        Assert.False(File.Exists(output + ".partial"));
        var provenance = VpdModelFile.ReadProvenance(output);
        Assert.Equal("sd-tiny.safetensors", provenance["input.0.file"]);
        Assert.Equal(VpdModelFile.Sha256(sd), provenance["input.0.sha256"]);
        Assert.Equal(Path.GetFileName(TinyCheckpoints.PthPath), provenance["input.1.file"]);
        Assert.Equal(VpdModelFile.Sha256(TinyCheckpoints.PthPath), provenance["input.1.sha256"]);
        Assert.Equal(VpdModelFile.Sha256(Path.Combine(TinyCheckpoints.TokenizerDir, "vocab.json")), provenance["tokenizer.vocab_json.sha256"]);

        using var model = VpdModelFile.Load(output);
        var golden = SafetensorsFile.Load(TinyCheckpoints.ReferPath, k => k is "input.image" or "input.l_feats" or "output.logits");
        using var logits = model.Refer.Predict(golden["input.image"], golden["input.l_feats"]);
        var check = TensorCheck.Compare("convert", "output.logits", logits.Logits, golden["output.logits"]);
        Assert.True(check.Passed, check.ToString());
    }

    [SkippableFact]
    public async Task Convert_TokenLengthAgainstThePthArgs_ExitsBadInputNamingBoth()
    {
        using var dir = new TempDir();
        var sd = TinyCheckpoints.WriteStableDiffusion(dir.Path);
        var output = dir.File("model.safetensors");

        var result = await CliRun.InvokeAsync("convert", sd, TinyCheckpoints.PthPath, "--out", output,
            "--tokenizer", TinyCheckpoints.TokenizerDir, "--config", TinyCheckpoints.WriteConfig(dir.Path), "--token-length", "77");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("token_length 77", result.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Convert_MissingInput_ExitsBadInputNamingTheFile()
    {
        using var dir = new TempDir();
        var missing = dir.File("v1-5-pruned-emaonly.safetensors");

        var result = await CliRun.InvokeAsync("convert", missing, "--out", dir.File("model.safetensors"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task Convert_PickleWithForbiddenGlobal_ExitsBadInputNamingTheGlobal()
    {
        using var dir = new TempDir();
        var evil = TinyCheckpoints.WriteEvilPth(dir.Path);
        var output = dir.File("model.safetensors");

        var result = await CliRun.InvokeAsync("convert", evil, "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("os.system", result.Error);
        Assert.Contains(evil, result.Error);
        Assert.False(File.Exists(output));
    }

    [SkippableFact]
    public async Task Convert_SdFileWithoutVpdCheckpoint_ExitsBadInputAskingForIt()
    {
        using var dir = new TempDir();
        var sd = TinyCheckpoints.WriteStableDiffusion(dir.Path);

        var result = await CliRun.InvokeAsync("convert", sd, "--out", dir.File("model.safetensors"),
            "--tokenizer", TinyCheckpoints.TokenizerDir, "--config", TinyCheckpoints.WriteConfig(dir.Path));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(sd, result.Error);
        Assert.Contains("fresh head", result.Error);
        var fresh = await CliRun.InvokeAsync("convert", sd, "--out", dir.File("fresh.safetensors"),
            "--tokenizer", TinyCheckpoints.TokenizerDir, "--config", TinyCheckpoints.WriteConfig(dir.Path), "--fresh-head");
        Assert.True(fresh.ExitCode == 0, fresh.Error);
        Assert.True(VpdModelFile.IsModelFile(dir.File("fresh.safetensors")));
    }

    [SkippableFact]
    public async Task Convert_SdFileWithTextAdapterOff_RecordsItInTheConfig()
    {
        using var dir = new TempDir();
        var sd = TinyCheckpoints.WriteStableDiffusion(dir.Path);
        var output = dir.File("seed.safetensors");

        var result = await CliRun.InvokeAsync("convert", sd, "--out", output, "--tokenizer", TinyCheckpoints.TokenizerDir,
            "--config", TinyCheckpoints.WriteConfig(dir.Path), "--fresh-head", "--text-adapter", "off");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("text adapter off", result.Output);
        Assert.False(VpdModelFile.ReadConfig(output).Refer.UseTextAdapter);
        Assert.Contains("\"use_text_adapter\":false", SafetensorsFile.ReadMetadata(output)["config"]);
    }

    [Fact]
    public async Task Convert_ShippedTinyModelTextAdapterOffThenOn_SwitchesOnlyTheConfig()
    {
        using var dir = new TempDir();
        var shipped = Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors");

        var off = await CliRun.InvokeAsync("convert", shipped, "--out", dir.File("off.safetensors"), "--text-adapter", "off");
        var on = await CliRun.InvokeAsync("convert", dir.File("off.safetensors"), "--out", dir.File("on.safetensors"), "--text-adapter", "on");
        var kept = await CliRun.InvokeAsync("convert", dir.File("off.safetensors"), "--out", dir.File("kept.safetensors"));

        Assert.True(off.ExitCode == 0 && on.ExitCode == 0 && kept.ExitCode == 0, off.ToString() + on + kept);
        Assert.True(VpdModelFile.ReadConfig(shipped).Refer.UseTextAdapter);
        Assert.False(VpdModelFile.ReadConfig(dir.File("off.safetensors")).Refer.UseTextAdapter);
        Assert.True(VpdModelFile.ReadConfig(dir.File("on.safetensors")).Refer.UseTextAdapter);
        Assert.False(VpdModelFile.ReadConfig(dir.File("kept.safetensors")).Refer.UseTextAdapter);
        var weights = SafetensorsFile.ReadHeader(shipped).Entries.Select(e => (e.Name, e.End - e.Begin));
        Assert.Equal(weights, SafetensorsFile.ReadHeader(dir.File("off.safetensors")).Entries.Select(e => (e.Name, e.End - e.Begin)));
    }

    [Fact]
    public async Task Convert_TextAdapterNeitherOnNorOff_ExitsBadInputNamingTheOption()
    {
        using var dir = new TempDir();

        var result = await CliRun.InvokeAsync("convert", Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors"),
            "--out", dir.File("x.safetensors"), "--text-adapter", "maybe");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--text-adapter must be on or off; got 'maybe'", result.Error);
    }
}
