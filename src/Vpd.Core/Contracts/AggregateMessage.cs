using System.Text.Json;

namespace Vpd.Core.Contracts;

/// <summary>
/// The vpd-aggregate queue message. It carries the aggregator's own progress state, so that the
/// aggregator needs no other memory between checks: the number of sentences accounted for at the
/// previous check and how many checks in a row saw no change.
/// </summary>
public sealed record AggregateMessage
{
    public required string Run { get; init; }

    public long LastAccounted { get; init; }

    public int ChecksWithoutProgress { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, ContractJson.Options);

    /// <exception cref="InvalidDataException">Not a message of this shape.</exception>
    /// <exception cref="InvalidIdException">An invalid run id.</exception>
    public static AggregateMessage Parse(string json)
    {
        var message = ContractJson.Parse<AggregateMessage>(json, "vpd-aggregate message");
        Ids.Validate(message.Run, "run");
        if (message.LastAccounted < 0 || message.ChecksWithoutProgress < 0)
        {
            throw new InvalidDataException($"vpd-aggregate message for run '{message.Run}' has negative counters");
        }
        return message;
    }
}
