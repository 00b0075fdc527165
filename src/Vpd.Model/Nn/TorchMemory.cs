using System.Runtime.InteropServices;

namespace Vpd.Model.Nn;

/// <summary>
/// Two allocator switches for large CPU tensors. Huge pages: glibc serves every allocation above 32 MiB with a
/// fresh mmap, so each large activation (a 512 px VAE level holds 128 x 512 x 512 values) would be page-faulted
/// in 4 KiB at a time; libtorch's own <c>THP_MEM_ALLOC_ENABLE</c> backs them with transparent huge pages instead.
/// Keeping freed memory: with no allocation served by its own mmap, a forward reuses the previous forward's
/// pages rather than having the kernel map and zero them again. Both halve or better the full-size forward's time
/// on the development machines (docs/performance.md). Called through <see cref="TorchRuntime.Configure"/>.
/// </summary>
internal static class TorchMemory
{
    private const string Switch = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Sets libtorch's switch in the native environment unless the user set it; false off Linux or when kept.</summary>
    public static bool RequestHugePages()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Switch) is not null)
        {
            return false;
        }
        // .NET keeps its own copy of the environment on Unix; libtorch reads the C library's.
        return setenv(Switch, "1", overwrite: 0) == 0;
    }

    /// <summary>glibc's <c>mallopt</c> parameters (malloc.h).</summary>
    private const int TrimThreshold = -1;
    private const int MmapMax = -4;

    /// <summary>
    /// Makes glibc keep freed memory: no allocation is served by its own mmap (<c>M_MMAP_MAX</c> 0) and the heap's
    /// free top is kept up to 2 GiB (<c>M_TRIM_THRESHOLD</c>). The process keeps its peak footprint instead of
    /// returning it between forwards, which suits a worker that runs one model all its life. Returns whether it took
    /// effect: false off Linux (musl's mallopt does nothing) or when the user set glibc's own malloc variables, which
    /// are kept.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || UserTunedMalloc())
        {
            return false;
        }
        try
        {
            return mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static bool UserTunedMalloc() =>
        new[] { "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES" }
            .Any(name => Environment.GetEnvironmentVariable(name) is not null);

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc")]
    private static extern int mallopt(int param, int value);
}
