using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vpd.Model.Nn;

/// <summary>
/// Asks libtorch to back its large CPU tensors with transparent huge pages (its own <c>THP_MEM_ALLOC_ENABLE</c>
/// switch). Why: glibc serves every allocation above 32 MiB with a fresh mmap and unmaps it on free, so each
/// large activation (a 512 px VAE level holds 128 x 512 x 512 values) is page-faulted in 4 KiB at a time. On
/// this project's CPU machine that cost ~210 ms per 134 MB float32 tensor: a float32 <c>x + x</c> at that size
/// took 212 ms, GroupNorm 218 ms, a 3x3 conv 554 ms; with huge pages 14 ms, 17 ms and 314 ms (bfloat16 conv
/// 314 -> 109 ms; docs/performance.md). libtorch reads the switch once, at its first allocation, so this runs when
/// this assembly loads; a value the user already set (for example <c>0</c>) is kept.
/// </summary>
public static class TorchMemory
{
    private const string Switch = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Sets the switch in the native environment unless already set; idempotent, a no-op off Linux.</summary>
    public static void RequestHugePages()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Switch) is not null)
        {
            return;
        }
        // .NET keeps its own copy of the environment on Unix; libtorch reads the C library's.
        setenv(Switch, "1", overwrite: 0);
    }

    /// <summary>glibc's <c>mallopt</c> parameters (malloc.h).</summary>
    private const int TrimThreshold = -1;
    private const int MmapMax = -4;

    /// <summary>
    /// Makes glibc keep freed memory for reuse instead of returning it to the kernel: no allocation is served by its own
    /// mmap (<c>M_MMAP_MAX</c> 0) and the heap's free top is kept up to 2 GiB (<c>M_TRIM_THRESHOLD</c>). Why: glibc maps
    /// every allocation above 32 MiB (the largest threshold <c>mallopt</c> accepts) afresh and unmaps it on free, so each
    /// large activation of a forward -- 64-128 MiB at the VAE's 512 px level -- is a new mapping whose pages the kernel
    /// faults in and zeroes, which on this project's machine took 15 ms in some calls and up to 200 ms in others for the
    /// same 128 MiB tensor. With the memory kept, a forward's activations reuse the previous forward's pages: SD v1.5 at
    /// 512 px was 10-25% faster in float32 and bfloat16 alike (docs/performance.md, "Session 5"). The process keeps its
    /// peak footprint instead of returning it between forwards, which suits a worker that runs one model all its life.
    /// Executables call this first thing; it is left to them because it changes the whole process's allocator. Returns
    /// whether it took effect: false off Linux, where the C library has no such switch (musl's mallopt does nothing), or when
    /// the user set glibc's own malloc variables, which are kept.
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

    // A library module initializer on purpose: tests and hosts that never call RequestHugePages still get it
    // before their first tensor, as long as this assembly loads before then.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void OnLoad() => RequestHugePages();
#pragma warning restore CA2255

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc")]
    private static extern int mallopt(int param, int value);
}
