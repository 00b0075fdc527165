using System.Text.Json.Nodes;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// The app's <c>worker.config.json</c>: how the host starts this language worker (executable, the
/// worker assembly it passes first) and whether the worker indexes its own functions.
/// </summary>
public sealed record WorkerConfig(string Language, string ExecutablePath, string WorkerPath, bool WorkerIndexing)
{
    public static WorkerConfig Read(string path)
    {
        var description = JsonNode.Parse(File.ReadAllText(path))?["description"] as JsonObject
            ?? throw new InvalidDataException($"{path} has no \"description\" object");
        string Required(string name) => (string?)description[name]
            ?? throw new InvalidDataException($"{path}: description.{name} is missing");
        return new WorkerConfig(
            Required("language"),
            Required("defaultExecutablePath"),
            Required("defaultWorkerPath"),
            string.Equals((string?)description["workerIndexing"], "true", StringComparison.OrdinalIgnoreCase));
    }
}
