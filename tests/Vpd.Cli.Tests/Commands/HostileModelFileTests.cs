using Vpd.Cli.Common;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.Commands;

/// <summary>
/// A model file that breaks the safetensors rules or carries an absurd config ends every model verb in one line
/// on stderr that names the file and the problem, and exit code 2: never a stack trace, never libtorch.
/// </summary>
[Collection(ModelVerbsCollection.Name)]
public sealed class HostileModelFileTests(ModelVerbsFixture fixture)
{
    // Nothing listens here: enqueue must refuse the model before it touches storage.
    private static readonly string[] NoStorage = ["--connection", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;"];

    public static TheoryData<string, string> Cases => new()
    {
        { "convert", "header-root-array" },
        { "convert", "entry-without-data-offsets" },
        { "convert", "offsets-as-strings" },
        { "convert", "metadata-value-not-string" },
        { "convert", "negative-dimension" },
        { "convert", "absurd-text-intermediate-size" },
        { "enqueue", "header-root-array" },
        { "enqueue", "metadata-value-not-string" },
        { "enqueue", "aliased-tensors" },
        { "enqueue", "absurd-text-intermediate-size" },
        { "enqueue", "config-larger-than-its-tensors" },
        { "eval", "aliased-tensors" },
        { "eval", "shape-not-fitting-bytes" },
        { "eval", "absurd-text-intermediate-size" },
        { "eval", "truncated-data" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verb_HostileModelFile_ExitsTwoWithOneLineNamingFileAndProblem(string verb, string hostile)
    {
        var model = HostileModelFiles.Write(hostile, fixture.NewFolder());
        string[] args = verb switch
        {
            "convert" => ["convert", model, "--out", Path.Combine(fixture.NewFolder(), "out.safetensors")],
            "enqueue" => ["enqueue", "--data", fixture.DataRoot, "--run", "r1", "--model", model, .. NoStorage],
            _ => ["eval", "--data", fixture.DataRoot, "--split", "val", "--checkpoint", model, "--limit", "1"],
        };

        var result = await CliRun.InvokeAsync(args);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {model}: ", line, StringComparison.Ordinal);
        foreach (var part in HostileModelFiles.Named(hostile).ExpectedProblem)
        {
            Assert.Contains(part, line, StringComparison.Ordinal);
        }
    }
}
