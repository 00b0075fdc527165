using Vpd.Model.Nn;

namespace Vpd.Model;

/// <summary>What <see cref="TorchRuntime.Configure"/> switched for this process (logged by the hosts at start).</summary>
/// <param name="HugePages">libtorch was asked to back large tensors with transparent huge pages.</param>
/// <param name="NnpackOff">libtorch's NNPACK convolutions are off.</param>
/// <param name="FreedMemoryKept">glibc keeps freed memory for the next forward instead of unmapping it.</param>
public sealed record TorchRuntimeSwitches(bool HugePages, bool NnpackOff, bool FreedMemoryKept);

/// <summary>
/// The process-wide libtorch and allocator switches, in one place. Every entry point (<c>vpd</c>, the Functions
/// app, each test assembly that runs tensors) calls <see cref="Configure"/> first thing, before its first tensor,
/// because libtorch reads some of them once. Each switch says why in its own type (<see cref="TorchMemory"/>,
/// <see cref="Nnpack"/>); their measured effect is in docs/performance.md.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static TorchRuntimeSwitches? configured;

    /// <summary>Sets every switch once per process; later calls return what the first one did.</summary>
    /// <param name="keepFreedMemory">Whether to change the C allocator too: right for a long-lived worker or CLI
    /// run, left to the caller because it changes the whole process's allocator.</param>
    public static TorchRuntimeSwitches Configure(bool keepFreedMemory = true)
    {
        lock (Gate)
        {
            if (configured is null)
            {
                var hugePages = TorchMemory.RequestHugePages();
                var kept = keepFreedMemory && TorchMemory.KeepFreedMemory();
                // After the environment switch: this loads libtorch.
                var nnpackOff = Nnpack.EnsureOff();
                configured = new TorchRuntimeSwitches(hugePages, nnpackOff, kept);
            }
            return configured;
        }
    }
}
