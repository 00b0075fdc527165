using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Import;
using Vpd.Model.Config;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd convert INPUT... --out FILE</c>: turns released checkpoints (a Stable Diffusion v1.5 file plus the
/// authors' VPD <c>.pth</c>, or a product model file) into the product's model file, with each input's name and
/// SHA-256 recorded as provenance.
/// </summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Checkpoints: a Stable Diffusion v1 file (.safetensors or .ckpt) and a VPD .pth, or a VPD model file",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { Description = "The model file to write (.safetensors)", Required = true };
        var import = new ImportOptions();
        var freshHead = new Option<bool>("--fresh-head")
        {
            Description = "Accept a Stable Diffusion file without a VPD checkpoint: gamma, adapter and head get VPD's initialisation (to train from)",
        };
        var textAdapter = TextAdapterOption.Create();
        var command = new Command("convert", "Convert checkpoints into a VPD model file") { inputs, output, freshHead, textAdapter };
        import.AddTo(command);
        command.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var options = import.Read(parseResult, parseResult.GetValue(freshHead), TextAdapterOption.Parse(parseResult.GetValue(textAdapter)));
            var outputPath = parseResult.GetValue(output)!;
            return Task.FromResult(Run(
                parseResult.GetValue(inputs) ?? [], parseResult.GetValue(import.Tokenizer), outputPath, options, parseResult.InvocationConfiguration, cancellationToken));
        });
        return command;
    }

    private static int Run(string[] inputs, string? tokenizerDir, string outputPath, CheckpointImportOptions options, InvocationConfiguration io, CancellationToken cancellationToken)
    {
        var outputFull = Path.GetFullPath(outputPath);
        if (inputs.Any(i => Path.GetFullPath(i) == outputFull))
        {
            throw new ArgumentException($"--out {outputPath} is one of the inputs; write the model file elsewhere");
        }
        var outputDir = Path.GetDirectoryName(outputFull)!;
        if (!Directory.Exists(outputDir))
        {
            throw new DirectoryNotFoundException($"output folder not found: {outputDir}");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var imported = ImportOptions.ImportAndSave(inputs, tokenizerDir, options, outputFull, io.Error);
        using var model = imported.Model;
        foreach (var source in imported.Sources)
        {
            io.Output.WriteLine($"read {source.Path} ({source.Kind})");
        }
        io.Output.WriteLine(
            $"wrote {outputPath} (token_length {model.Config.Refer.TokenLength}, image_size {model.Config.Refer.ImageSize}, "
            + $"text adapter {(model.Config.Refer.UseTextAdapter ? TextAdapterOption.On : TextAdapterOption.Off)}, sha256 {VpdModelFile.Sha256(outputFull)})");
        return ExitCodes.Ok;
    }
}
