namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>Bad input to the pipeline verbs ends in exit code 2 and a message naming what was wrong; nothing touches storage.</summary>
public sealed class PipelineVerbsBadInputTests
{
    // Nothing listens here, so a verb that wrongly got as far as storage would fail differently.
    private static readonly string[] NoStorage = ["--connection", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;"];

    public static TheoryData<string[], string> Cases => new()
    {
        { ["enqueue", "--data", "/no/such/vpd-data", "--run", "r1", "--model", "m", "--segmenter", "threshold", .. NoStorage], "/no/such/vpd-data" },
        { ["enqueue", "--data", "/tmp", "--run", "bad/run", "--model", "m", "--segmenter", "threshold", .. NoStorage], "bad/run" },
        { ["enqueue", "--data", "/tmp", "--dataset", "nosuchset", "--run", "r1", "--model", "m", "--segmenter", "threshold", .. NoStorage], "nosuchset" },
        { ["enqueue", "--data", "/tmp", "--run", "r1", "--model", "m", "--noise-step", "1000", "--segmenter", "threshold", .. NoStorage], "--noise-step" },
        { ["enqueue", "--data", "/tmp", "--run", "r1", "--model", "/no/such/model.safetensors", .. NoStorage], "/no/such/model.safetensors" },
        { ["enqueue", "--data", "/tmp", "--run", "r1", "--model", "m", "--segmenter", "magic", .. NoStorage], "magic" },
        { ["enqueue", "--data", "/tmp", "--model", "m", .. NoStorage], "--run" },
        { ["metrics", "--run", "bad run", .. NoStorage], "bad run" },
        { ["compare", "a1", "a1", .. NoStorage], "a1" },
        { ["work", "--workers", "0", .. NoStorage], "--workers" },
        { ["watch", "--run", "r1", "--interval", "0", .. NoStorage], "--interval" },
        { ["metrics", "--run", "r1", "--account", "acct1", .. NoStorage], "--account" },
        { ["nosuchverb"], "nosuchverb" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verb_BadInput_ExitsTwoNamingIt(string[] args, string named)
    {
        var result = await CliRun.InvokeAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }
}
