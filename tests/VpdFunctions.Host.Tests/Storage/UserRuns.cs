using System.CommandLine;
using System.Globalization;
using Vpd.Core.Synthetic;
using Vpd.TestSupport;

namespace VpdFunctions.Host.Tests.Storage;

/// <summary>
/// Creates runs the way a user does: a small RefShapes dataset on disk and <c>vpd enqueue</c> (the CLI's
/// entry point, in process) against the test's Azurite with the production names the app uses.
/// </summary>
public sealed class UserRuns : IDisposable
{
    private readonly TempDir _dir = new("vpd-host-runs");
    private readonly string _connection;

    public UserRuns(string connectionString)
    {
        _connection = connectionString;
        RefShapesGenerator.Write(_dir.Path, new RefShapesOptions
        {
            TrainImages = 0, ValImages = 3, TestAImages = 0, TestBImages = 1, ImageSize = 64, MaxShapeSize = 24,
        });
        PlaceholderModel = _dir.File("threshold.model");
        File.WriteAllText(PlaceholderModel, "placeholder model file of a threshold run");
    }

    public string PlaceholderModel { get; }

    /// <summary>A model-free run (the threshold segmenter) of the first <paramref name="objects"/> val objects at S x S.</summary>
    public Task EnqueueThresholdAsync(string run, int objects, int size = 32) =>
        EnqueueAsync(run, PlaceholderModel, objects, "--segmenter", "threshold", "--image-size", size.ToString(CultureInfo.InvariantCulture));

    /// <summary>A run of the model file <paramref name="model"/> over the first <paramref name="objects"/> val objects.</summary>
    public Task EnqueueModelAsync(string run, string model, int objects) => EnqueueAsync(run, model, objects);

    public void Dispose() => _dir.Dispose();

    private async Task EnqueueAsync(string run, string model, int objects, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args =
        [
            "enqueue", "--data", _dir.Path, "--dataset", "refshapes", "--split", "val", "--run", run, "--model", model,
            "--limit", objects.ToString(CultureInfo.InvariantCulture), "--connection", _connection, .. extra,
        ];
        var exit = await Vpd.Cli.Program.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        if (exit != 0)
        {
            throw new InvalidOperationException($"vpd {string.Join(' ', args)} exited {exit}:\n{output}\n{error}");
        }
    }
}
