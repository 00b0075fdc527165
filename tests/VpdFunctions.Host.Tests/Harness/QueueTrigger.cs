using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Google.Protobuf;
using VpdFunctions.Host.Tests.Rpc;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// The Storage Queues trigger of one function, as the host's queue extension runs it: takes a real message
/// off the function's queue (decoded as host.json's <c>messageEncoding</c> says), sends the invocation with
/// the value and binding data the extension produces for it, and completes the message by the invocation's
/// status: deleted on success; on failure released for a retry, or moved to <c>{queue}-poison</c> once its
/// dequeue count reaches host.json's <c>maxDequeueCount</c>.
/// </summary>
/// <remarks>
/// What is not the host's: messages are taken one at a time when the test asks (no polling, batches or
/// lease renewal), and a test may shorten the retry delay (host.json's <c>visibilityTimeout</c>) so a
/// message that fails five times does not take five delays.
/// </remarks>
public sealed class QueueTrigger
{
    /// <summary>The extension name the Storage Queues extension puts on its binding data.</summary>
    public const string ExtensionSource = "AzureStorageQueues";

    // How long a taken message stays invisible while its invocation runs (the host renews its lease instead).
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly FunctionsHost _host;
    private readonly HostedFunction _function;
    private readonly TimeSpan _retryDelay;

    /// <param name="queues">The account the trigger listens on.</param>
    /// <param name="retryDelay">Replaces host.json's visibilityTimeout (the delay before a failed message is retried).</param>
    public QueueTrigger(FunctionsHost host, string functionName, QueueServiceClient queues, TimeSpan? retryDelay = null)
    {
        _host = host;
        _function = host.Functions.TryGetValue(functionName, out var function)
            ? function
            : throw new ArgumentException($"the worker loaded no function named {functionName}", nameof(functionName));
        if (!string.Equals(_function.Trigger.Type, "queueTrigger", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{functionName} is triggered by {_function.Trigger.Type}, not a queue", nameof(functionName));
        }
        var queueName = _function.Trigger.Setting("queueName") ?? throw new InvalidDataException($"{functionName}'s trigger names no queue");
        Queue = queues.GetQueueClient(queueName);
        // The extension gives every queue a poison queue, except a poison queue itself.
        PoisonQueue = queueName.EndsWith("-poison", StringComparison.Ordinal) ? null : queues.GetQueueClient($"{queueName}-poison");
        _retryDelay = retryDelay ?? host.App.Queues.VisibilityTimeout;
    }

    public QueueClient Queue { get; }

    public QueueClient? PoisonQueue { get; }

    /// <summary>Queue clients decoding and encoding messages as the app's host.json tells the extension to.</summary>
    public static QueueServiceClient Account(string connectionString, HostQueueSettings settings) =>
        new(connectionString, new QueueClientOptions
        {
            MessageEncoding = settings.Base64Encoding ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        });

    /// <summary>Delivers the next visible message of the queue, or returns null when there is none.</summary>
    public async Task<QueueDelivery?> DeliverNextAsync(TimeSpan invocationTimeout)
    {
        var message = (await Queue.ReceiveMessageAsync(Lease)).Value;
        if (message is null)
        {
            return null;
        }
        if (message.DequeueCount > _host.App.Queues.MaxDequeueCount && PoisonQueue is not null)
        {
            // Already past the limit (an earlier host died before moving it): straight to poison, no invocation.
            await MoveToPoisonAsync(message);
            return new QueueDelivery(message, null, null, QueueOutcome.MovedToPoison);
        }
        var request = InvocationFor(message);
        var response = await _host.InvokeAsync(request, invocationTimeout);
        return new QueueDelivery(message, request, response, await CompleteAsync(message, response.Result));
    }

    /// <summary>Delivers messages until the queue has none visible; a failing message is retried until it is poisoned.</summary>
    public async Task<IReadOnlyList<QueueDelivery>> DeliverAllAsync(TimeSpan invocationTimeout)
    {
        var deliveries = new List<QueueDelivery>();
        while (await DeliverNextAsync(invocationTimeout) is { } delivery)
        {
            deliveries.Add(delivery);
            if (delivery.Outcome == QueueOutcome.Released && _retryDelay > TimeSpan.Zero)
            {
                await Task.Delay(_retryDelay);
            }
        }
        return deliveries;
    }

    /// <summary>The invocation the host sends for <paramref name="message"/>: the trigger value plus its binding data.</summary>
    public InvocationRequest InvocationFor(QueueMessage message)
    {
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = _function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" },
        };
        request.InputData.Add(new ParameterBinding { Name = _function.Trigger.Name, Data = TriggerValue(message) });
        foreach (var (name, value) in BindingData(message))
        {
            request.TriggerMetadata.Add(name, value);
        }
        return request;
    }

    // The parameter's value: the extension's own description of the message when the worker binds an SDK
    // type (deferred binding), else the message converted to the declared data type.
    private TypedData TriggerValue(QueueMessage message)
    {
        var trigger = _function.Trigger;
        if (trigger.SupportsDeferredBinding)
        {
            return new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = ExtensionSource,
                    ContentType = "application/json",
                    // The extension serialises the SDK's QueueMessage with System.Text.Json's defaults.
                    Content = ByteString.CopyFrom(new BinaryData(message).ToArray()),
                },
            };
        }
        return trigger.DataType?.ToLowerInvariant() switch
        {
            "string" => new TypedData { String = message.Body.ToString() },
            "binary" => new TypedData { Bytes = ByteString.CopyFrom(message.Body.ToArray()) },
            _ => throw new NotSupportedException($"the harness does not bind a queue trigger of data type '{trigger.DataType}' without deferred binding"),
        };
    }

    // The binding data the extension adds for a dequeued message; the host sends each value as typed data:
    // strings as strings, everything else as its JSON (Json.NET's defaults, ISO 8601 dates).
    private static IEnumerable<(string Name, TypedData Value)> BindingData(QueueMessage message)
    {
        if (TryUtf8(message.Body) is { } text)
        {
            yield return ("QueueTrigger", new TypedData { String = text });
        }
        yield return ("DequeueCount", new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) });
        yield return ("ExpirationTime", JsonDate(message.ExpiresOn ?? DateTimeOffset.MaxValue));
        yield return ("Id", new TypedData { String = message.MessageId });
        yield return ("InsertionTime", JsonDate(message.InsertedOn ?? DateTimeOffset.UtcNow));
        yield return ("NextVisibleTime", JsonDate(message.NextVisibleOn ?? DateTimeOffset.MaxValue));
        yield return ("PopReceipt", new TypedData { String = message.PopReceipt });
    }

    private static TypedData JsonDate(DateTimeOffset value) =>
        new() { Json = $"\"{value.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz", CultureInfo.InvariantCulture)}\"" };

    private static string? TryUtf8(BinaryData body)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private async Task<QueueOutcome> CompleteAsync(QueueMessage message, StatusResult result)
    {
        if (result.Status == StatusResult.Types.Status.Success)
        {
            await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            return QueueOutcome.Deleted;
        }
        if (PoisonQueue is null)
        {
            // No poison queue: the extension leaves the message invisible rather than retry it at once.
            return QueueOutcome.LeftInvisible;
        }
        if (message.DequeueCount >= _host.App.Queues.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message);
            return QueueOutcome.MovedToPoison;
        }
        await Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _retryDelay);
        return QueueOutcome.Released;
    }

    private async Task MoveToPoisonAsync(QueueMessage message)
    {
        await PoisonQueue!.CreateIfNotExistsAsync();
        await PoisonQueue.SendMessageAsync(message.Body);
        await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }
}

/// <summary>What happened to one message the trigger took (request and response are null when it was not invoked).</summary>
public sealed record QueueDelivery(QueueMessage Message, InvocationRequest? Request, InvocationResponse? Response, QueueOutcome Outcome)
{
    public bool Succeeded => Response?.Result.Status == StatusResult.Types.Status.Success;
}

public enum QueueOutcome
{
    Deleted,
    Released,
    MovedToPoison,
    LeftInvisible,
}
