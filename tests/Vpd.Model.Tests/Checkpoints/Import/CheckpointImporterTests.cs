using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Import;
using Vpd.TestSupport;
using static TorchSharp.torch;
using Vpd.Tools.Checkpoints;

namespace Vpd.Model.Tests.Checkpoints.Import;

public sealed class CheckpointImporterTests
{
    [SkippableTheory]
    [InlineData("safetensors")]
    [InlineData("ckpt")]
    public void Import_SdFileAndVpdPth_LogitsEqualGoldenAndTextEncoderComesFromSd(string format)
    {
        using var dir = new TempDir();
        var sdDict = TinyStableDiffusion.StateDict();
        var sd = format == "ckpt" ? TinyStableDiffusion.WriteCkpt(dir.Path, sdDict) : TinyStableDiffusion.WriteSafetensors(dir.Path, sdDict);

        var imported = CheckpointImporter.Import([sd, TinyStableDiffusion.PthPath], TinyStableDiffusion.TokenizerDir,
            new CheckpointImportOptions(TinyStableDiffusion.Config()));
        using var model = imported.Model;

        Assert.Equal([CheckpointKind.StableDiffusion, CheckpointKind.VpdRefer], imported.Sources.Select(s => s.Kind));
        // The training image size does not change any shape, so a difference is reported, not refused.
        var trainedSize = TorchCheckpointReader.Read(TinyStableDiffusion.PthPath, "model", _ => false).Args?.GetValueOrDefault("img_size");
        var expectWarning = trainedSize is long size && size != model.Config.Refer.ImageSize;
        Assert.Equal(expectWarning, imported.Warnings.Any(w => w.Contains($"img_size {trainedSize}", StringComparison.Ordinal)));
        AssertLogitsEqualGolden(model);
        foreach (var (key, value) in model.TextEncoder.state_dict())
        {
            GoldenTensorAssert.Exact(key, value, sdDict["cond_stage_model.transformer." + key]);
        }
    }

    [SkippableFact]
    public void Import_SdFileWithFreshHead_MapsUnetAndVaeSoGoldenHeadGivesGoldenLogits()
    {
        using var dir = new TempDir();
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, TinyStableDiffusion.StateDict());

        var imported = CheckpointImporter.Import([sd], TinyStableDiffusion.TokenizerDir,
            new CheckpointImportOptions(TinyStableDiffusion.Config(), AllowFreshHead: true));
        using var model = imported.Model;

        // A fresh head starts where VPD starts: gamma 1e-4.
        Assert.True(model.Refer.Gamma.allclose(full_like(model.Refer.Gamma, VpdRefer.GammaInit)), "gamma is not VPD's initial value");
        // The UNet and VAE came only from the SD file; with the golden head on top they must reproduce the golden logits.
        var head = SafetensorsFile.Load(TinyStableDiffusion.ReferPath, IsHeadKey);
        StateDictLoader.LoadStrict(model.Refer, head, TinyStableDiffusion.ReferPath, allowMissing: key => !IsHeadKey(key));
        AssertLogitsEqualGolden(model);
    }

    [SkippableFact]
    public void Import_SdFileWithoutVpdOrFreshHead_ThrowsNamingTheMissingHead()
    {
        using var dir = new TempDir();
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, TinyStableDiffusion.StateDict());

        var error = Assert.Throws<InvalidDataException>(() =>
            CheckpointImporter.Import([sd], TinyStableDiffusion.TokenizerDir, new CheckpointImportOptions(TinyStableDiffusion.Config())));

        Assert.Contains(sd, error.Message);
        Assert.Contains("classifier", error.Message);
    }

    [SkippableFact]
    public void Import_SdFileWithUnknownKeys_ThrowsListingThem()
    {
        using var dir = new TempDir();
        var dict = TinyStableDiffusion.StateDict();
        dict["lora_unet_down.alpha"] = ones(1);
        dict["first_stage_model.loss.logvar"] = zeros(1);
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, dict);

        var error = Assert.Throws<InvalidDataException>(() =>
            CheckpointImporter.Import([sd, TinyStableDiffusion.PthPath], TinyStableDiffusion.TokenizerDir, new CheckpointImportOptions(TinyStableDiffusion.Config())));

        Assert.Contains(sd, error.Message);
        Assert.Contains("lora_unet_down.alpha", error.Message);
        Assert.Contains("first_stage_model.loss.logvar", error.Message);
        Assert.DoesNotContain("model_ema.decay", error.Message);
    }

    [SkippableFact]
    public void Import_SdFileLackingATextKey_ThrowsMismatchNamingTheSdKey()
    {
        using var dir = new TempDir();
        var dict = TinyStableDiffusion.StateDict();
        const string removed = "cond_stage_model.transformer.text_model.final_layer_norm.weight";
        Assert.True(dict.Remove(removed));
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, dict);

        var error = Assert.Throws<StateDictMismatchException>(() =>
            CheckpointImporter.Import([sd, TinyStableDiffusion.PthPath], TinyStableDiffusion.TokenizerDir, new CheckpointImportOptions(TinyStableDiffusion.Config())));

        Assert.Equal([removed], error.MissingKeys);
        Assert.Equal(sd, error.CheckpointSource);
    }

    [SkippableFact]
    public void Import_TokenLengthContradictingThePthArgs_ThrowsNamingBoth()
    {
        using var dir = new TempDir();
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, TinyStableDiffusion.StateDict());
        var trained = TorchCheckpointReader.Read(TinyStableDiffusion.PthPath, "model", _ => false).Args!["token_length"];

        var error = Assert.Throws<InvalidDataException>(() => CheckpointImporter.Import([sd, TinyStableDiffusion.PthPath], TinyStableDiffusion.TokenizerDir,
            new CheckpointImportOptions(TinyStableDiffusion.Config(), TokenLength: 77)));

        Assert.Contains($"token_length {trained}", error.Message);
        Assert.Contains("token_length 77", error.Message);
    }

    [SkippableFact]
    public void Import_TokenLengthOption_ChangesTheHeadShapes()
    {
        using var dir = new TempDir();
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, TinyStableDiffusion.StateDict());

        var imported = CheckpointImporter.Import([sd], TinyStableDiffusion.TokenizerDir,
            new CheckpointImportOptions(TinyStableDiffusion.Config(), TokenLength: 77, AllowFreshHead: true));
        using var model = imported.Model;

        Assert.Equal(77, model.Config.Refer.TokenLength);
        var refer = model.Config.Refer;
        Assert.Equal(refer.Unet.LevelChannels(2) + 77, refer.NeckDim[2]);
        Assert.Equal(refer.NeckDim[3] + refer.NeckDim[2], model.Refer.state_dict()["classifier.conv1_4.weight"].shape[1]);
        using var ids = model.TokenIds(["a red ball"]);
        Assert.Equal([1L, 77L], ids.shape);
    }

    [SkippableFact]
    public void Import_VpdPthAlone_ThrowsAskingForTheSdFile()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            CheckpointImporter.Import([TinyStableDiffusion.PthPath], TinyStableDiffusion.TokenizerDir, new CheckpointImportOptions(TinyStableDiffusion.Config())));

        Assert.Contains(TinyStableDiffusion.PthPath, error.Message);
        Assert.Contains("Stable Diffusion", error.Message);
    }

    [Fact]
    public void Import_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-vpd", "sd.safetensors");

        var error = Assert.Throws<FileNotFoundException>(() => CheckpointImporter.Import([missing], null));

        Assert.Contains(missing, error.Message);
    }

    [SkippableFact]
    public void Import_ProductModelFile_LoadsItAlone()
    {
        using var dir = new TempDir();
        var sd = TinyStableDiffusion.WriteSafetensors(dir.Path, TinyStableDiffusion.StateDict());
        var file = Path.Combine(dir.Path, "model.safetensors");
        using (var first = CheckpointImporter.Import([sd, TinyStableDiffusion.PthPath], TinyStableDiffusion.TokenizerDir,
            new CheckpointImportOptions(TinyStableDiffusion.Config())).Model)
        {
            VpdModelFile.Save(first, file);
        }

        var imported = CheckpointImporter.Import([file], null);
        using var model = imported.Model;

        Assert.Equal(CheckpointKind.ProductModel, imported.Sources.Single().Kind);
        AssertLogitsEqualGolden(model);
        Assert.Throws<InvalidDataException>(() => CheckpointImporter.Import([file, TinyStableDiffusion.PthPath], null));
        Assert.Throws<ArgumentException>(() => CheckpointImporter.Import([file], TinyStableDiffusion.TokenizerDir));
    }

    private static bool IsHeadKey(string key) =>
        key == "gamma" || key.StartsWith("text_adapter.", StringComparison.Ordinal) || key.StartsWith("classifier.", StringComparison.Ordinal);

    private static void AssertLogitsEqualGolden(VpdModel model)
    {
        var golden = SafetensorsFile.Load(TinyStableDiffusion.ReferPath, k => k is "input.image" or "input.l_feats" or "output.logits");
        using var result = model.Refer.Predict(golden["input.image"], golden["input.l_feats"]);
        GoldenTensorAssert.Close("output.logits", result.Logits, golden["output.logits"]);
    }
}
