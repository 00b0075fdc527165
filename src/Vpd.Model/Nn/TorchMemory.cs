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

    // A library module initializer on purpose: tests and hosts that never call RequestHugePages still get it
    // before their first tensor, as long as this assembly loads before then.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void OnLoad() => RequestHugePages();
#pragma warning restore CA2255

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
