using Vpd.Tools.Benchmarks;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Benchmarks;

public sealed class ModelBenchmarkTests
{
    [Fact]
    public void Run_TinyPresetTwoSentences_ReportsEveryStageWithPositiveFiniteTimings()
    {
        var options = new ModelBenchmarkOptions { Preset = "tiny", Sentences = 2, Warmup = 0, Runs = 1, MatmulSize = 128 };

        var result = ModelBenchmark.Run(options);

        Assert.Equal(
            [ModelBenchmark.ClipStage, ModelBenchmark.VaeStage, ModelBenchmark.UnetStage, ModelBenchmark.HeadStage],
            result.Stages.Select(s => s.Name));
        Assert.All(result.Stages, s =>
        {
            Assert.True(s.MedianMs > 0 && s.Gmacs > 0 && s.GflopPerSecond > 0, $"{s.Name}: {s.MedianMs} ms, {s.Gmacs} GMACs");
            Assert.True(s.Finite, $"{s.Name} produced non-finite values");
            Assert.Null(s.Reference);
        });
        Assert.Equal(1, result.Stage(ModelBenchmark.VaeStage).Batch);
        Assert.Equal(2, result.Stage(ModelBenchmark.UnetStage).Batch);
        Assert.Equal([ScalarType.Float32, ScalarType.BFloat16], result.Matmuls.Select(m => m.DType));
        Assert.All(result.Matmuls, m => Assert.True(m.GflopPerSecond > 0));
        Assert.True(result.PerImageMs > result.PerSentenceMs);
        Assert.True(result.PeakResidentBytes is null or > 0);
    }

    [Theory]
    [InlineData("sd16", null, 1)]
    [InlineData("tiny", 100, 1)]
    [InlineData("tiny", null, 0)]
    public void Validate_OutOfRangeOption_ThrowsNamingIt(string preset, int? size, int sentences)
    {
        var options = new ModelBenchmarkOptions { Preset = preset, Size = size, Sentences = sentences };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(preset != "tiny" ? preset : size is not null ? $"size {size}" : "sentences 0", error.Message);
    }

    [Fact]
    public void StageTiming_EvenRunCount_MedianAveragesTheMiddleTwoAndRatesFollow()
    {
        var stage = new StageTiming("unet", StageUnit.Sentence, 2, [40, 10, 30, 20], Gmacs: 5, new PerfAnchor("a", 0.05, 5), Finite: true);

        Assert.Equal(25, stage.MedianMs);
        Assert.Equal(12.5, stage.PerItemMs);
        Assert.Equal(400, stage.GflopPerSecond, 6);
        Assert.Equal(0.25, stage.RatioToReference!.Value, 6);
    }
}
