using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vpd.Cli.Common;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd bench decode</c>: images per second of the product's JPEG decoder (libjpeg-turbo through Skia, bit-identical
/// to the reference's Pillow) against ImageSharp's, the decoder it replaced, timed alternately round by round on the
/// same bytes in memory, so both see the same machine state.
/// </summary>
public static class BenchDecodeCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var dataset = CommonOptions.Dataset();
        var split = CommonOptions.Split();
        var limit = new Option<int>("--limit") { Description = "Images to decode per round", DefaultValueFactory = _ => 500 };
        var rounds = new Option<int>("--rounds") { Description = "Alternated rounds per decoder", DefaultValueFactory = _ => 3 };
        var json = CommonOptions.Json();
        var command = new Command("decode", "Images/s of the JPEG decoder (libjpeg-turbo via Skia) against ImageSharp's, alternated")
        {
            data, dataset, split, limit, rounds, json,
        };
        command.SetGuardedAction((parse, _) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var count = parse.GetValue(limit);
            var roundCount = parse.GetValue(rounds);
            if (count < 1 || roundCount < 1)
            {
                throw new ArgumentException($"--limit {count} and --rounds {roundCount} must be positive");
            }
            var reader = ReferDataset.Load(parse.GetValue(data)!.FullName, ReferDatasetLayout.NormalizeId(parse.GetValue(dataset)!));
            var files = reader.Refs(parse.GetValue(split)!).Select(r => r.ImageId).Distinct().Take(count)
                .Select(id => (Path: reader.ImagePath(id), Bytes: File.ReadAllBytes(reader.ImagePath(id)))).ToList();
            if (files.Count == 0)
            {
                throw new ArgumentException($"split '{parse.GetValue(split)}' has no images");
            }

            var decoders = new (string Name, Func<byte[], string, RgbImage> Decode)[]
            {
                ("libjpeg-turbo (product)", (bytes, path) => ImageFiles.DecodeRgb(bytes, path)),
                ("ImageSharp 2.1.13", (bytes, path) => ImageFiles.DecodeWithImageSharp(bytes, path)),
            };
            // One untimed pass each: JIT and native library loading are not decoding.
            foreach (var (_, decode) in decoders)
            {
                decode(files[0].Bytes, files[0].Path);
            }
            var perSecond = decoders.ToDictionary(d => d.Name, _ => new List<double>());
            for (var round = 0; round < roundCount; round++)
            {
                foreach (var (name, decode) in decoders)
                {
                    var clock = Stopwatch.StartNew();
                    foreach (var (path, bytes) in files)
                    {
                        decode(bytes, path);
                    }
                    perSecond[name].Add(files.Count / clock.Elapsed.TotalSeconds);
                }
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(
                    new { images = files.Count, rounds = roundCount, imagesPerSecond = perSecond }, new JsonSerializerOptions { WriteIndented = true }));
                return Task.FromResult(ExitCodes.Ok);
            }
            output.WriteLine($"{files.Count} images per round, {roundCount} rounds alternated; images/s per round:");
            foreach (var (name, values) in perSecond)
            {
                output.WriteLine($"  {name,-26} {string.Join("  ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}");
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
