using Vpd.Core.Pickle;

namespace Vpd.Tools.Checkpoints.Pickle;

/// <summary>
/// The allow-list of an unpickler: each allowed global either has a C# constructor that builds a plain
/// value from the call's arguments, or is allowed only as a reference (a storage class named inside a
/// persistent id). Anything not listed is refused by the scan and by the unpickler.
/// </summary>
public sealed class PickleGlobals
{
    private readonly Dictionary<GlobalName, Func<object?[], object?>?> _entries = new();

    /// <summary>Allows a callable global; <paramref name="construct"/> receives the positional arguments.</summary>
    public PickleGlobals Callable(string module, string name, Func<object?[], object?> construct)
    {
        _entries[new GlobalName(module, name)] = construct;
        return this;
    }

    /// <summary>Allows a global only as a value that is never called.</summary>
    public PickleGlobals Reference(string module, string name)
    {
        _entries[new GlobalName(module, name)] = null;
        return this;
    }

    /// <summary>Every allowed global.</summary>
    public IEnumerable<GlobalName> Allowed => _entries.Keys;

    /// <summary>Whether a global is on the list.</summary>
    public bool IsAllowed(GlobalName name) => _entries.ContainsKey(name);

    /// <summary>Calls an allowed global's constructor; a reference-only or unknown global is an error naming it.</summary>
    public object? Call(GlobalName name, object?[] arguments, string source)
    {
        if (!_entries.TryGetValue(name, out var construct))
        {
            throw new UnsafePickleException(source, name.ToString(), "call of");
        }
        if (construct is null)
        {
            throw new InvalidDataException($"{source}: pickle calls '{name}', which is allowed only as a reference");
        }
        return construct(arguments);
    }
}
