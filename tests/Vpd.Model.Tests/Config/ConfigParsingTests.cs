using System.Text.Json.Nodes;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Config;

public sealed class ConfigParsingTests
{
    [SkippableFact]
    public void FromMetadata_GoldenVpdReferFile_DerivesTheNeckDimAndTokenWidthTheFileStates()
    {
        var path = RepoPaths.Golden("vpd_refer_tiny.safetensors");
        var json = JsonNode.Parse(SafetensorsFile.ReadMetadata(path)["config"])!.AsObject();

        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(path), path);

        Assert.Equal(json["neck_dim"]!.AsArray().Select(n => n!.GetValue<int>()), config.NeckDim);
        Assert.Equal(json["token_embed_dim"]!.GetValue<int>(), config.TokenEmbedDim);
        Assert.Equal(json["token_length"]!.GetValue<int>(), config.TokenLength);
        Assert.Equal(json["unet_config"]!["model_channels"]!.GetValue<int>(), config.Unet.ModelChannels);
        Assert.Equal(json["ddconfig"]!["num_res_blocks"]!.GetValue<int>(), config.Vae.NumResBlocks);
    }

    [Fact]
    public void ToJson_ThenFromJson_ReturnsAnEqualConfig()
    {
        foreach (var config in new[] { VpdReferConfig.Sd15, VpdReferConfig.Tiny, VpdReferConfig.Tiny with { UseTextAdapter = false, TokenLength = 77 } })
        {
            var parsed = VpdReferConfig.FromJson(JsonNode.Parse(config.ToJson().ToJsonString())!.AsObject(), "round trip");

            Assert.Equal(config, parsed);
        }
    }

    [Fact]
    public void NeckDim_Sd15WithRefcocogTokens_MatchesVpdsPublishedWidths()
    {
        Assert.Equal([320, 680, 1320, 1280], VpdReferConfig.Sd15.NeckDim);
        Assert.Equal([320, 717, 1357, 1280], (VpdReferConfig.Sd15 with { TokenLength = 77 }).NeckDim);
    }

    [Fact]
    public void FromJson_NeckDimContradictingTheUnet_ThrowsNamingSourceAndField()
    {
        var json = VpdReferConfig.Tiny.ToJson();
        json["neck_dim"] = new JsonArray(1, 2, 3, 4);

        var error = Assert.Throws<InvalidDataException>(() => VpdReferConfig.FromJson(json, "model.safetensors"));

        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("neck_dim", error.Message);
    }

    [Fact]
    public void FromJson_MissingUnetField_ThrowsNamingTheField()
    {
        var json = VpdReferConfig.Tiny.ToJson();
        json["unet_config"]!.AsObject().Remove("context_dim");

        var error = Assert.Throws<InvalidDataException>(() => VpdReferConfig.FromJson(json, "model.safetensors"));

        Assert.Contains("'context_dim' is missing", error.Message);
    }

    [Fact]
    public void FromJson_NoAttentionAtFactorFour_ThrowsBecauseVpdNeedsThoseMaps()
    {
        var json = VpdReferConfig.Tiny.ToJson();
        json["unet_config"]!["attention_resolutions"] = new JsonArray(2);

        var error = Assert.Throws<InvalidDataException>(() => VpdReferConfig.FromJson(json, "cfg"));

        Assert.Contains("attention_resolutions", error.Message);
    }

    [Fact]
    public void FromJson_ChannelsNotDivisibleByGroups_Throws()
    {
        var json = VpdReferConfig.Tiny.ToJson();
        json["unet_config"]!["model_channels"] = 40;

        var error = Assert.Throws<InvalidDataException>(() => VpdReferConfig.FromJson(json, "cfg"));

        Assert.Contains("multiple of 32", error.Message);
    }

    [Fact]
    public void FromJson_OtherNoiseSchedule_ThrowsNamingTheSchedule()
    {
        var json = VpdReferConfig.Tiny.ToJson();
        json["schedule"]!["linear_end"] = 0.02;

        var error = Assert.Throws<InvalidDataException>(() => VpdReferConfig.FromJson(json, "cfg"));

        Assert.Contains("schedule", error.Message);
    }

    [Fact]
    public void FromJson_NotJson_ThrowsNamingTheSource()
    {
        var error = Assert.Throws<InvalidDataException>(() => UnetConfig.FromJson("{not json", "unet.safetensors"));

        Assert.Contains("unet.safetensors", error.Message);
    }
}
