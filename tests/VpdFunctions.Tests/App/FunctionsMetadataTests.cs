using System.Text.Json.Nodes;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using VpdFunctions.Functions;

namespace VpdFunctions.Tests.App;

/// <summary>
/// The trigger metadata the platform reads (Container Apps derives its queue scale rules from it), and
/// the queue settings in host.json.
/// </summary>
public sealed class FunctionsMetadataTests
{
    public static TheoryData<string, string> Triggers => new()
    {
        { nameof(SegmentExpression), StorageNames.Default.ExpressionsQueue },
        { nameof(AggregateRun), StorageNames.Default.AggregateQueue },
        { nameof(HandlePoisonExpression), StorageNames.Default.ExpressionsPoisonQueue },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public void FunctionsMetadata_Function_HasQueueTriggerOnPipelineQueueWithStorageConnection(string function, string queue)
    {
        var functions = FunctionsBuildOutput.Functions();

        Assert.True(functions.ContainsKey(function), $"{function} missing from {FunctionsBuildOutput.MetadataPath()}");
        var trigger = Assert.Single(functions[function]["bindings"]!.AsArray().OfType<JsonObject>(),
            b => (string?)b["type"] == "queueTrigger");
        Assert.Equal(queue, (string?)trigger["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);
        Assert.Equal("In", (string?)trigger["direction"]);
    }

    [Fact]
    public void FunctionsMetadata_AllFunctions_AreExactlyThePipelineTriggers()
    {
        var names = FunctionsBuildOutput.Functions().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(Triggers.Select(row => (string)row[0]).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void FunctionClasses_QueueConstants_MatchPipelineStorageNames()
    {
        Assert.Equal(SegmentExpression.Queue, StorageNames.Default.ExpressionsQueue);
        Assert.Equal(AggregateRun.Queue, StorageNames.Default.AggregateQueue);
        Assert.Equal(HandlePoisonExpression.Queue, StorageNames.Default.ExpressionsPoisonQueue);
    }

    [Fact]
    public void HostJson_Queues_StatesSettingsForAGpuBoundWorker()
    {
        var host = JsonNode.Parse(File.ReadAllText(FunctionsBuildOutput.HostJsonPath()))!.AsObject();
        var queues = host["extensions"]!["queues"]!.AsObject();

        Assert.Equal("2.0", (string?)host["version"]);
        var batchSize = (int)queues["batchSize"]!;
        Assert.InRange(batchSize, 1, 4);
        Assert.InRange((int)queues["newBatchThreshold"]!, 0, batchSize);
        Assert.Equal("base64", (string?)queues["messageEncoding"]);
        Assert.True(TimeSpan.Parse((string)queues["visibilityTimeout"]!) > TimeSpan.Zero);
        Assert.True(TimeSpan.Parse((string)queues["maxPollingInterval"]!) <= TimeSpan.FromSeconds(30));
        Assert.True(TimeSpan.Parse((string)host["functionTimeout"]!) >= TimeSpan.FromMinutes(10), "a cold start loads the model");
    }

    [Fact]
    public void HostJson_MaxDequeueCount_MatchesLocalWorker()
    {
        var host = JsonNode.Parse(File.ReadAllText(FunctionsBuildOutput.HostJsonPath()))!;

        Assert.Equal(new WorkerOptions().MaxDequeueCount, (int)host["extensions"]!["queues"]!["maxDequeueCount"]!);
    }

    [Fact]
    public void HostJson_BuildOutput_IsCopiedBesideTheApp()
    {
        var built = Path.Combine(Path.GetDirectoryName(FunctionsBuildOutput.MetadataPath())!, "host.json");

        Assert.Equal(File.ReadAllText(FunctionsBuildOutput.HostJsonPath()), File.ReadAllText(built));
    }
}
