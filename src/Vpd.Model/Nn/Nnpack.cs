using System.Runtime.InteropServices;
using TorchSharp;

namespace Vpd.Model.Nn;

/// <summary>
/// Switches libtorch's NNPACK convolutions off for the whole process (PyTorch's
/// <c>torch.backends.nnpack.set_flags(False)</c>, which TorchSharp does not expose). Why: where NNPACK cannot
/// initialise (this project's session-3 machine: "Could not initialize NNPACK! Reason: Unsupported hardware.")
/// libtorch 2.10 tries again and logs that line at every float32 NCHW convolution -- 153,690 lines in one
/// <c>build/demo.sh</c>; and where it can, libtorch would send float32 NCHW convolutions with a batch of 16 or more
/// through NNPACK instead of oneDNN, a different kernel family from the one <see cref="ConvolutionCheck"/> proves.
/// </summary>
public static class Nnpack
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
