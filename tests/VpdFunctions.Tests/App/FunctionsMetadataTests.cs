using System.Text.Json.Nodes;
using Vpd.Pipeline.Queues;
using Vpd.Pipeline.Storage;
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
        { nameof(HandlePoisonAggregate), StorageNames.Default.AggregatePoisonQueue },
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
    public void HostJson_Queues_AreTheSettingsTheLocalWorkerUses()
    {
        var host = JsonNode.Parse(File.ReadAllText(FunctionsBuildOutput.HostJsonPath()))!.AsObject();
        var queues = host["extensions"]!["queues"]!.AsObject();
        var settings = QueueSettings.Default;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal(settings.BatchSize, (int)queues["batchSize"]!);
        Assert.Equal(settings.NewBatchThreshold, (int)queues["newBatchThreshold"]!);
        Assert.Equal(settings.MaxDequeueCount, (int)queues["maxDequeueCount"]!);
        Assert.Equal(settings.RetryDelay, TimeSpan.Parse((string)queues["visibilityTimeout"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(settings.MaxPollingInterval, TimeSpan.Parse((string)queues["maxPollingInterval"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(settings.MessageEncoding, (string?)queues["messageEncoding"]);
        Assert.Equal(
            ["batchSize", "maxDequeueCount", "maxPollingInterval", "messageEncoding", "newBatchThreshold", "visibilityTimeout"],
            queues.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(TimeSpan.Parse((string)host["functionTimeout"]!, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.FromMinutes(10), "a cold start loads the model");
    }

    [Fact]
    public void QueueSettings_Default_SuitAGpuBoundWorker()
    {
        var settings = QueueSettings.Default;

        Assert.InRange(settings.BatchSize, 1, 4);
        Assert.InRange(settings.NewBatchThreshold, 0, settings.BatchSize);
        Assert.True(settings.RetryDelay > TimeSpan.Zero, "a transient fault needs time to clear before the retry");
        Assert.True(settings.MaxPollingInterval <= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void HostJson_BuildOutput_IsCopiedBesideTheApp()
    {
        var built = Path.Combine(Path.GetDirectoryName(FunctionsBuildOutput.MetadataPath())!, "host.json");

        Assert.Equal(File.ReadAllText(FunctionsBuildOutput.HostJsonPath()), File.ReadAllText(built));
    }
}
