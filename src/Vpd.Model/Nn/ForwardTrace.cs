using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>
/// Receives named values from inside a forward pass (block outputs, per-layer attention maps) so tests
/// can locate a divergence stage by stage. The value is owned by the forward's dispose scope: a
/// receiver that keeps it past the call must clone it.
/// </summary>
public delegate void ForwardTrace(string name, Tensor value);

/// <summary>Helpers for optional traces.</summary>
internal static class ForwardTraces
{
    /// <summary>A trace that prepends <paramref name="prefix"/> to every name, or null when <paramref name="inner"/> is null.</summary>
    public static ForwardTrace? Prefixed(this ForwardTrace? inner, string prefix) =>
        inner is null ? null : (name, value) => inner(prefix + name, value);
}
