using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Model.Checkpoints;
using Vpd.Model.Checkpoints.Import;
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
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Folder with the CLIP tokenizer's vocab.json and merges.txt" };
        var tokenLength = new Option<int?>("--token-length")
        {
            Description = "Tokens per sentence (40: RefCOCO/RefCOCO+, 77: RefCOCOg); default: the VPD checkpoint's args, else 40",
        };
        var config = new Option<string?>("--config")
        {
            Description = "Model config JSON (the 'config' layout of a model file) instead of the Stable Diffusion v1.5 preset",
        };
        var freshHead = new Option<bool>("--fresh-head")
        {
            Description = "Accept a Stable Diffusion file without a VPD checkpoint: gamma, adapter and head get VPD's initialisation (to train from)",
        };
        var command = new Command("convert", "Convert checkpoints into a VPD model file") { inputs, output, tokenizer, tokenLength, config, freshHead };
        command.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var options = new CheckpointImportOptions(
                ReadConfig(parseResult.GetValue(config)),
                parseResult.GetValue(tokenLength),
                parseResult.GetValue(freshHead));
            var outputPath = parseResult.GetValue(output)!;
            return Task.FromResult(Run(parseResult.GetValue(inputs) ?? [], parseResult.GetValue(tokenizer), outputPath, options, parseResult.InvocationConfiguration, cancellationToken));
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
        var imported = CheckpointImporter.Import(inputs, tokenizerDir, options);
        using var model = imported.Model;
        foreach (var warning in imported.Warnings)
        {
            io.Error.WriteLine($"warning: {warning}");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var provenance = ConvertProvenance.Describe(imported.Sources, imported.Sources.Any(s => s.Kind == CheckpointKind.ProductModel) ? null : tokenizerDir);
        // Written beside the target and moved into place, so an interrupted run never leaves a truncated model file.
        var partial = outputFull + ".partial";
        try
        {
            VpdModelFile.Save(model, partial, provenance);
            File.Move(partial, outputFull, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
        foreach (var source in imported.Sources)
        {
            io.Output.WriteLine($"read {source.Path} ({source.Kind})");
        }
        io.Output.WriteLine($"wrote {outputPath} (token_length {model.Config.Refer.TokenLength}, image_size {model.Config.Refer.ImageSize}, sha256 {VpdModelFile.Sha256(outputFull)})");
        return ExitCodes.Ok;
    }

    private static VpdModelConfig? ReadConfig(string? path)
    {
        if (path is null)
        {
            return null;
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model config not found: {path}", path);
        }
        return VpdModelConfig.FromJson(File.ReadAllText(path), path);
    }
}
