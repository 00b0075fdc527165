namespace Vpd.Core.Contracts;

/// <summary>One referring expression of an object: its index within the object and its text.</summary>
public sealed record SentenceItem(int Index, string Text);
