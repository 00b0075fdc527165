using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd missing --run RUN</c>: the sentences of a run's sentence set that have no result yet (neither succeeded nor
/// failed), with their ids and text. A rerun of <c>vpd enqueue</c> with the same options queues exactly these.
/// </summary>
public static class MissingCommand
{
    public static Command Create()
    {
        var run = CommonOptions.Run();
        var limit = new Option<int>("--limit") { Description = "Print at most this many (the count is always complete)", DefaultValueFactory = _ => 100 };
        var json = CommonOptions.Json();
        var command = new Command("missing", "List a run's expected sentences that have no result yet") { run, limit, json };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var runId = Ids.Validate(parse.GetValue(run)!, "--run");
            var shown = parse.GetValue(limit);
            if (shown < 0)
            {
                throw new ArgumentException($"--limit {shown} must not be negative");
            }
            using var pipeline = CliPipeline.Create(storage.Create(parse), io.Error, LogLevel.Warning);
            if (await pipeline.Storage.Runs.FindManifestAsync(runId, cancellationToken) is null)
            {
                throw new ArgumentException($"unknown run '{runId}': no manifest in {pipeline.Storage.Description}");
            }
            var missing = await pipeline.Aggregator.MissingAsync(runId, cancellationToken);
            if (parse.GetValue(json))
            {
                io.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    run = runId,
                    missing = missing.Count,
                    sentences = missing.Take(shown).Select(m => new { refId = m.Object.RefId, imageId = m.Object.ImageId, index = m.Sentence.Index, sentId = m.Sentence.SentId, text = m.Sentence.Text }),
                }, new JsonSerializerOptions { WriteIndented = true }));
                return missing.Count == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
            io.Output.WriteLine($"run {runId}: {missing.Count} sentences without a result");
            foreach (var (o, sentence) in missing.Take(shown))
            {
                io.Output.WriteLine($"  {new SampleId(o.RefId, sentence.Index)}  (image {o.ImageId}, sent_id {sentence.SentId})  {sentence.Text}");
            }
            if (missing.Count > shown)
            {
                io.Output.WriteLine($"  ... and {missing.Count - shown} more (--limit)");
            }
            return missing.Count == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }
}
