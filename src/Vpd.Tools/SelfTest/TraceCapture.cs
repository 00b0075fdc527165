using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Tools.SelfTest;

/// <summary>Keeps detached clones of traced values (outside every dispose scope) until disposed.</summary>
public sealed class TraceCapture : IDisposable
{
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);

    /// <summary>The trace to hand to a forward.</summary>
    public ForwardTrace Trace => Record;

    /// <summary>The names recorded so far.</summary>
    public IReadOnlyCollection<string> Names => _values.Keys;

    /// <summary>Stores a clone of <paramref name="value"/> under <paramref name="name"/>, replacing an earlier one.</summary>
    public void Record(string name, Tensor value)
    {
        var copy = value.detach().clone();
        copy.DetachFromDisposeScope();
        if (_values.Remove(name, out var previous))
        {
            previous.Dispose();
        }
        _values[name] = copy;
    }

    /// <summary>The value recorded under <paramref name="name"/>, or null.</summary>
    public Tensor? Get(string name) => _values.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var value in _values.Values)
        {
            value.Dispose();
        }
        _values.Clear();
    }
}
