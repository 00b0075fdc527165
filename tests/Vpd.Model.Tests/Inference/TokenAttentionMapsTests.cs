using Vpd.Core.Attention;
using Vpd.Core.Synthetic;
using Vpd.Model.Inference;
using Vpd.TestSupport;
using Xunit.Abstractions;

namespace Vpd.Model.Tests.Inference;

/// <summary>The shipped Tiny model's attention, turned into the plain maps the product stores and draws.</summary>
public sealed class TokenAttentionMapsTests(ITestOutputHelper output)
{
    [Fact]
    public void ToAttentionMaps_ShippedTinyModel_TokensRolesAndMapsOfTheSentenceSurviveTheBlob()
    {
        var dataset = RefShapesGenerator.Generate(new RefShapesOptions { Seed = 3, TrainImages = 0, ValImages = 2, TestAImages = 0, TestBImages = 0 });
        var image = dataset.Images[0];
        var sentence = image.Objects.First(o => o.RefId is not null).Sentences[0].Sentence;
        using var segmenter = ObjectSegmenter.Load(Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors"), SegmenterOptions.Cpu);
        var attention = segmenter.Segment("img", image.Pixels, [sentence], withAttention: true).Attention![0];

        var maps = attention.ToAttentionMaps(segmenter.Model.Tokenizer, sentence);

        var words = sentence.Split(' ');
        var length = segmenter.Model.Config.Refer.TokenLength;
        Assert.Equal(length, maps.TokenCount);
        Assert.Equal(TokenRole.Start, maps.Roles[0]);
        Assert.Equal(words, Enumerable.Range(1, words.Length).Select(i => maps.Tokens[i]));
        Assert.All(Enumerable.Range(1, words.Length), i => Assert.Equal(TokenRole.Text, maps.Roles[i]));
        Assert.Equal(TokenRole.End, maps.Roles[words.Length + 1]);
        Assert.All(Enumerable.Range(words.Length + 2, length - words.Length - 2), i => Assert.Equal(TokenRole.Padding, maps.Roles[i]));
        Assert.Equal(attention.Maps.Keys.Order(), maps.Sides);
        foreach (var side in maps.Sides)
        {
            Assert.Equal(attention.Maps[side], maps.Level(side));
        }

        var blob = AttentionBlob.Encode(maps);
        var back = AttentionBlob.Decode(blob, "tiny attention");
        Assert.Equal(maps.Tokens, back.Tokens);
        var worst = maps.Sides.SelectMany(side => maps.Level(side).Zip(back.Level(side), (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), 1e-6f))).Max();
        Assert.True(worst <= Math.Pow(2, -11) + 1e-3, $"largest relative float16 error {worst}");
        output.WriteLine($"Tiny ({maps.Sides.Count} levels, sides {string.Join("/", maps.Sides)}, {length} tokens): {blob.Length} bytes per sentence for \"{sentence}\"");
    }

    [Fact]
    public void ToAttentionMaps_OtherSentence_ThrowsSayingTheIdsDoNotMatch()
    {
        using var segmenter = ObjectSegmenter.Load(Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors"), SegmenterOptions.Cpu);
        var image = RefShapesGenerator.Generate(new RefShapesOptions { Seed = 3, TrainImages = 0, ValImages = 1, TestAImages = 0, TestBImages = 0 }).Images[0];
        var attention = segmenter.Segment("img", image.Pixels, ["the red circle"], withAttention: true).Attention![0];

        var e = Assert.Throws<ArgumentException>(() => attention.ToAttentionMaps(segmenter.Model.Tokenizer, "the blue square"));

        Assert.Contains("not the tokenizer's encoding of \"the blue square\"", e.Message, StringComparison.Ordinal);
    }
}
