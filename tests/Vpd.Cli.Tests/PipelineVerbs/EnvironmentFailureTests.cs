using System.Diagnostics;
using System.Text.Json;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>Expected failures of the environment end in one line naming the endpoint or setting and a documented exit code, within seconds.</summary>
public sealed class EnvironmentFailureTests
{
    // Nothing listens on port 1 of loopback: every request is refused at once.
    private static readonly string[] Unreachable = ["--connection", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;"];

    [Theory]
    [InlineData("metrics", "--run", "r1")]
    [InlineData("aggregate", "--run", "r1")]
    [InlineData("missing", "--run", "r1")]
    [InlineData("compare", "r1", "r2")]
    public async Task StorageVerb_StorageUnreachable_OneLineNamingTheEndpointExitThree(params string[] verb)
    {
        var clock = Stopwatch.StartNew();

        var result = await CliRun.InvokeAsync([.. verb, .. Unreachable]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("storage unreachable", result.Error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [SkippableFact]
    public async Task Work_CudaConfiguredOnAHostWithout_FailsAtStartNamingTheSetting()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "this host has CUDA");

        var result = await CliRun.InvokeAsync(["work", "--device", "cuda", "--until-idle", .. Unreachable]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("VPD_DEVICE", result.Error, StringComparison.Ordinal);
        Assert.Contains("'cuda'", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>Every <c>--json</c> prints JSON alone on standard output; diagnostics go to standard error.</summary>
[Collection(CliAzuriteCollection.Name)]
public sealed class JsonOutputTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task JsonVerbs_Output_IsOneJsonDocument()
    {
        using var bed = new CliTestBed(azurite);
        var verbs = new[]
        {
            bed.EnqueueArgs("json1", "--json"),
            bed.WorkArgs("json1"),
            ["aggregate", "--run", "json1", "--json", .. bed.StorageArgs],
            ["metrics", "--run", "json1", "--json", .. bed.StorageArgs],
            ["compare", "json1", "--json", .. bed.StorageArgs],
            ["missing", "--run", "json1", "--json", .. bed.StorageArgs],
            ["bench", "pipeline", "--sentences", "9", "--warmup-sentences", "0", "--json", .. bed.StorageArgs],
        };
        foreach (var args in verbs)
        {
            var result = await CliRun.InvokeAsync(args);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}\n{result}");
            if (args.Contains("--json"))
            {
                using var json = JsonDocument.Parse(result.Output);
            }
        }
    }
}
