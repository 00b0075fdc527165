namespace Vpd.Cli.Commands;

/// <summary>
/// The model verbs' <c>--threads</c>: libtorch's OpenMP threads spin while they wait, so on a machine
/// whose cores are busy with other work fewer threads run faster.
/// </summary>
internal static class TorchThreads
{
    public static void Apply(int? threads)
    {
        if (threads is not { } count)
        {
            return;
        }
        if (count < 1)
        {
            throw new ArgumentException($"--threads must be at least 1, got {count}");
        }
        TorchSharp.torch.set_num_threads(count);
    }
}
