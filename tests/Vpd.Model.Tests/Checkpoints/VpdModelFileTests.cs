using TorchSharp;
using Vpd.Core.Synthetic;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.TestSupport;
using Vpd.Tools.Clip;

namespace Vpd.Model.Tests.Checkpoints;

public sealed class VpdModelFileTests
{
    private static VpdModel NewTinyModel()
    {
        torch.manual_seed(11);
        var tokenizer = ClipTokenizerBuilder.FromWords(RefShapesVocabulary.Words);
        return new VpdModel(VpdModelConfig.Tiny(tokenizer.VocabSize), tokenizer).Eval();
    }

    [Fact]
    public void SaveThenLoad_TinyModel_GivesIdenticalLogitsAndConfig()
    {
        using var dir = new TempDir();
        var path = dir.File("tiny.safetensors");
        using var model = NewTinyModel();
        string[] sentences = ["the red circle", "blue thing on the left"];
        using var image = torch.rand(1, 3, model.Config.Refer.ImageSize, model.Config.Refer.ImageSize) * 2 - 1;

        VpdModelFile.Save(model, path, new Dictionary<string, string> { ["source"] = "test" });
        using var loaded = VpdModelFile.Load(path);

        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal("test", VpdModelFile.ReadProvenance(path)["source"]);
        using var expected = Predict(model, image, sentences);
        using var actual = Predict(loaded, image, sentences);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 0));
    }

    [Fact]
    public void Load_MissingKey_RefusedBeforeAllocatingNamingTheKeyAndFile()
    {
        using var dir = new TempDir();
        var path = dir.File("tiny.safetensors");
        var broken = dir.File("broken.safetensors");
        using var model = NewTinyModel();
        VpdModelFile.Save(model, path);
        var tensors = SafetensorsFile.Load(path);
        tensors.Remove("gamma");
        SafetensorsFile.Save(broken, tensors, SafetensorsFile.ReadMetadata(path));

        var error = Assert.Throws<InvalidDataException>(() => VpdModelFile.Load(broken));

        Assert.StartsWith(broken + ": the file's tensors do not fit its config", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 tensor(s) the config needs are missing: gamma", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SafetensorsWithoutModelMetadata_FailsSayingHowToConvert()
    {
        using var dir = new TempDir();
        var path = dir.File("plain.safetensors");
        SafetensorsFile.Save(path, [new("x", torch.ones(1))]);

        var error = Assert.Throws<InvalidDataException>(() => VpdModelFile.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("vpd convert", error.Message);
        Assert.False(VpdModelFile.IsModelFile(path));
    }

    private static torch.Tensor Predict(VpdModel model, torch.Tensor image, string[] sentences)
    {
        using var mode = torch.inference_mode();
        using var text = model.EncodeText(sentences);
        using var result = model.Refer.Predict(image, text);
        return result.Logits.clone();
    }

    public static TheoryData<string> HostileNames => [.. HostileModelFiles.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Validate_HostileFile_RefusedNamingTheFileAndTheProblem(string name)
    {
        using var dir = new TempDir();
        var path = HostileModelFiles.Write(name, dir.Path);

        var error = Assert.Throws<InvalidDataException>(() => VpdModelFile.Validate(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        foreach (var part in HostileModelFiles.Named(name).ExpectedProblem)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Load_HostileFile_RefusedAsInvalidDataWithTheSameMessage(string name)
    {
        using var dir = new TempDir();
        var path = HostileModelFiles.Write(name, dir.Path);
        var validation = Assert.Throws<InvalidDataException>(() => VpdModelFile.Validate(path));

        var error = Assert.Throws<InvalidDataException>(() => VpdModelFile.LoadForInference(path, null, TorchSharp.torch.ScalarType.Float32));

        Assert.Equal(validation.Message, error.Message);
    }

    [Fact]
    public void Validate_ShippedTinyModel_ReturnsItsConfig()
    {
        var config = VpdModelFile.Validate(HostileModelFiles.ShippedModel);

        Assert.Equal(VpdReferConfig.Tiny, config.Refer);
        Assert.True(config.Refer.UseTextAdapter);
    }
}
