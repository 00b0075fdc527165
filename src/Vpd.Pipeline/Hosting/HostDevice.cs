using Vpd.Model.Inference;

namespace Vpd.Pipeline.Hosting;

/// <summary>The check every host runs at start: the configured device must exist here, or the host does not start.</summary>
public static class HostDevice
{
    /// <summary>Throws naming <see cref="HostSettings.DeviceSetting"/> when it asks for CUDA that libtorch cannot see.</summary>
    /// <exception cref="InvalidOperationException">CUDA configured, none visible (no GPU, no driver, or the CPU build of libtorch).</exception>
    public static void EnsureAvailable(HostSettings settings)
    {
        settings.ValidateName();
        if (settings.Device == "cpu")
        {
            return;
        }
        try
        {
            SegmenterOptions.ParseDevice(settings.Device);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidOperationException(
                $"{HostSettings.DeviceSetting} is '{settings.Device}' but libtorch sees no CUDA device in this process " +
                "(no GPU or driver visible to the container, or an image built with the CPU libtorch: build with -p:VpdTorchBackend=cuda); " +
                $"set {HostSettings.DeviceSetting}=cpu to run on the CPU", e);
        }
    }
}
