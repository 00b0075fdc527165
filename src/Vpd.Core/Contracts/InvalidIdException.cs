namespace Vpd.Core.Contracts;

/// <summary>An id that would become a blob name or table key but is not a safe one.</summary>
public sealed class InvalidIdException(string kind, string? value, string problem)
    : ArgumentException($"{kind} {Ids.Describe(value)} is invalid: {problem}")
{
    /// <summary>Which id was bad ("run", "refId", ...).</summary>
    public string Kind { get; } = kind;

    public string? Value { get; } = value;
}
