using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Pipeline.Tests;

public sealed class HostingTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void HostSettings_FromConfiguration_ReadsDeviceBatchingAndCache()
    {
        var host = HostSettings.From(Settings(("VPD_DEVICE", "CUDA:1"), ("VPD_BATCH_SENTENCES", "true"), ("VPD_MODEL_CACHE", "/models")));

        Assert.Equal(new HostSettings { Device = "cuda:1", BatchSentences = true, ModelCacheDirectory = "/models" }, host);
    }

    [Theory]
    [InlineData("VPD_DEVICE", "gpu")]
    [InlineData("VPD_DEVICE", "cuda:x")]
    [InlineData("VPD_BATCH_SENTENCES", "yes")]
    public void HostSettings_BadValue_ThrowsNamingTheSetting(string key, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => HostSettings.From(Settings((key, value))));

        Assert.Contains(key, e.Message);
        Assert.Contains(value, e.Message);
    }

    [SkippableFact]
    public void EnsureAvailable_CudaOnAHostWithoutOne_ThrowsNamingTheSetting()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "this host has CUDA");

        var e = Assert.Throws<InvalidOperationException>(() => HostDevice.EnsureAvailable(new HostSettings { Device = "cuda" }));

        Assert.Contains("VPD_DEVICE", e.Message);
        Assert.Contains("'cuda'", e.Message);
    }

    [Fact]
    public void AddVpdPipeline_EveryServiceResolvesAsOneSingleton()
    {
        var services = new ServiceCollection().AddVpdPipeline(o => o.Storage = _ => StorageClients.FromConnectionString("UseDevelopmentStorage=true"));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Same(provider.GetRequiredService<LocalQueueWorker>(), provider.GetRequiredService<LocalQueueWorker>());
        Assert.Same(provider.GetRequiredService<PipelineStorage>().Samples, provider.GetRequiredService<SampleStore>());
        Assert.Equal(4, provider.GetRequiredService<QueueHandlers>().All.Count);
    }

    [Fact]
    public void AddVpdPipeline_WithoutStorage_ThrowsSayingSo()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddVpdPipeline(_ => { }));

        Assert.Contains("storage", e.Message);
    }
}
