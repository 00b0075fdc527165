using Vpd.Core.Pickle;

namespace Vpd.Tools.Checkpoints.Pickle;

/// <summary>
/// A Python dict or OrderedDict as unpickled: items in insertion order, plus the instance attributes a
/// BUILD opcode set (PyTorch's state dicts carry <c>_metadata</c> there).
/// </summary>
public sealed class PyDict
{
    private readonly OrderedDictionary<object, object?> _items = new();

    /// <summary>Items in insertion order. Keys are <c>string</c>, <c>long</c>, <c>bool</c>, <c>double</c> or tuples (<c>object?[]</c>).</summary>
    public IEnumerable<KeyValuePair<object, object?>> Items => _items;

    /// <summary>Number of items.</summary>
    public int Count => _items.Count;

    /// <summary>Attributes set through BUILD (not items).</summary>
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>The item under a key, if present.</summary>
    public bool TryGetValue(object key, out object? value) => _items.TryGetValue(key, out value);

    /// <summary>Sets an item, keeping the first insertion position as Python does.</summary>
    public void Set(object key, object? value) => _items[key] = value;
}

/// <summary>
/// An instance of an allowed plain class (<c>argparse.Namespace</c>, <c>numpy.dtype</c>): its class,
/// constructor arguments and attributes; nothing of the class is ever run.
/// </summary>
public sealed class PyObject(GlobalName type, object?[] arguments)
{
    /// <summary>The class.</summary>
    public GlobalName Type { get; } = type;

    /// <summary>Positional arguments it was created with.</summary>
    public object?[] Arguments { get; } = arguments;

    /// <summary>Attributes set through BUILD.</summary>
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>A BUILD state that is not an attribute dictionary (numpy.dtype's tuple), kept as given.</summary>
    public object? State { get; set; }
}

/// <summary>A reference to an allowed global as a value (a class or function), before it is called.</summary>
public sealed record PyGlobalRef(GlobalName Name);
