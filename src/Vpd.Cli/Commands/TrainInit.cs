using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Import;
using Vpd.Tools.Training;

namespace Vpd.Cli.Commands;

/// <summary>
/// Turns <c>vpd train --init ...</c> into the one model file the trainer starts from: <c>tiny</c> and a
/// product model file pass through; released checkpoints are imported once into
/// <c>{out}/init.safetensors</c> (with VPD's fresh gamma, adapter and head when no VPD <c>.pth</c> is given),
/// which <c>--resume</c> then reuses.
/// </summary>
internal static class TrainInit
{
    public const string FileName = "init.safetensors";

    public static string Resolve(
        IReadOnlyList<string> inits, ParseResult parse, ImportOptions import, bool? textAdapter, string outDir, bool resume, TextWriter output, TextWriter error)
    {
        if (inits.Count == 0)
        {
            throw new ArgumentException("--init is required (a model file, checkpoints to import, or 'tiny')");
        }
        if (inits.Count == 1 && (inits[0] == TrainingOptions.TinyInit || IsProductModel(inits[0])))
        {
            if (parse.GetValue(import.Tokenizer) is not null || parse.GetValue(import.TokenLength) is not null || parse.GetValue(import.Config) is not null)
            {
                throw new ArgumentException(
                    $"--tokenizer, --token-length and --config apply to checkpoints being imported; --init {inits[0]} already defines the model");
            }
            return inits[0];
        }
        if (inits.Contains(TrainingOptions.TinyInit))
        {
            throw new ArgumentException("--init tiny starts a random model; it cannot be combined with checkpoint files");
        }
        var target = Path.Combine(outDir, FileName);
        if (resume && File.Exists(target))
        {
            return target;
        }
        if (File.Exists(TrainingState.StatePath(outDir)))
        {
            // The trainer refuses this folder (or resumes a run whose init file is gone): never overwrite its init.
            return target;
        }
        Directory.CreateDirectory(outDir);
        using var imported = ImportOptions.ImportAndSave(inits, parse.GetValue(import.Tokenizer), import.Read(parse, allowFreshHead: true, textAdapter), target, error).Model;
        output.WriteLine($"imported {string.Join(" + ", inits)} into {target} (token_length {imported.Config.Refer.TokenLength}, image_size {imported.Config.Refer.ImageSize})");
        return target;
    }

    private static bool IsProductModel(string path) => File.Exists(path) && CheckpointProbe.Detect(path) == CheckpointKind.ProductModel;
}
