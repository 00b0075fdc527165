using System.Runtime.InteropServices;
using TorchSharp;

namespace Vpd.Model.Nn;

/// <summary>
/// Switches libtorch's NNPACK convolutions off for the whole process (PyTorch's
/// <c>torch.backends.nnpack.set_flags(False)</c>, which TorchSharp does not expose). Why: where NNPACK cannot
/// initialise, libtorch 2.10 tries again and logs a line at every float32 NCHW convolution; and where it can, it
/// would take float32 NCHW convolutions with a batch of 16 or more away from oneDNN, the kernel family
/// <see cref="ConvolutionCheck"/> proves on each host.
/// </summary>
internal static class Nnpack
{
    private static readonly Lazy<bool> Switched = new(SwitchOff, LazyThreadSafetyMode.ExecutionAndPublication);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetUserEnabled(IntPtr context, byte enabled);

    /// <summary>Turns NNPACK off once per process; true when done (false off Linux or without the libtorch symbols).</summary>
    public static bool EnsureOff() => Switched.Value;

    private static bool SwitchOff()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        // Loads libtorch through TorchSharp first, so the name below finds the already-loaded library.
        torch.InitializeDeviceType(DeviceType.CPU);
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library)
            || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setUserEnabled))
        {
            return false;
        }
        // at::globalContext().setUserEnabledNNPACK(false): a member function takes the object as its first argument.
        var context = Marshal.GetDelegateForFunctionPointer<GlobalContext>(globalContext)();
        Marshal.GetDelegateForFunctionPointer<SetUserEnabled>(setUserEnabled)(context, 0);
        return true;
    }
}
