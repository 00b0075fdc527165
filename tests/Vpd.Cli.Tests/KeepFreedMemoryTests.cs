using System.Runtime.InteropServices;
using Vpd.Model;
using static TorchSharp.torch;

namespace Vpd.Cli.Tests;

/// <summary>The allocator switch every executable sets first (<see cref="TorchRuntime.Configure"/>); process-wide, as in <c>vpd</c>.</summary>
public sealed class KeepFreedMemoryTests
{
    /// <summary>Above glibc's largest mmap threshold (32 MiB): without the switch it gets a mapping of its own.</summary>
    private const long TensorBytes = 48L << 20;

    [Fact]
    public void KeepFreedMemory_LargeTensor_ComesFromTheHeapAndStaysThereWhenFreed()
    {
        var tookEffect = TorchRuntime.Configure().FreedMemoryKept;
        var before = mallinfo2();
        long mappedWhileAlive;
        using (var tensor = ones(TensorBytes / sizeof(float), dtype: ScalarType.Float32))
        {
            mappedWhileAlive = (long)mallinfo2().hblkhd - (long)before.hblkhd;
        }
        var after = mallinfo2();

        Assert.True(tookEffect, "mallopt took effect on this Linux/glibc host");
        // glibc's own count of bytes in separately mapped blocks: the tensor is not one of them...
        Assert.True(mappedWhileAlive < TensorBytes, $"{mappedWhileAlive >> 20} MiB more in mmapped blocks while a {TensorBytes >> 20} MiB tensor lived");
        // ...and once freed its bytes stay with the allocator (free bytes in the arenas) for the next forward.
        Assert.True((long)after.fordblks - (long)before.fordblks >= TensorBytes / 2, $"free arena bytes {before.fordblks >> 20} -> {after.fordblks >> 20} MiB");
    }

    /// <summary>glibc's <c>struct mallinfo2</c> (glibc 2.33+): all counts in bytes or blocks, summed over the arenas.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint arena;
        public nuint ordblks;
        public nuint smblks;
        public nuint hblks;
        public nuint hblkhd;
        public nuint usmblks;
        public nuint fsmblks;
        public nuint uordblks;
        public nuint fordblks;
        public nuint keepcost;
    }

    [DllImport("libc")]
    private static extern MallocInfo mallinfo2();
}
