using System.Runtime.CompilerServices;
using Vpd.Model;

namespace Vpd.Cli.Tests;

/// <summary>The test host is an entry point like `vpd`: the process-wide libtorch switches are set before any test runs.</summary>
internal static class TorchRuntimeSetup
{
#pragma warning disable CA2255 // A module initializer is how a test assembly runs code before its first test.
    [ModuleInitializer]
    internal static void Configure() => TorchRuntime.Configure();
#pragma warning restore CA2255
}
