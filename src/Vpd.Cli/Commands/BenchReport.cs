using System.Globalization;
using Vpd.Tools.Benchmarks;

namespace Vpd.Cli.Commands;

/// <summary>Prints a <see cref="ModelBenchmarkResult"/> as a plain table.</summary>
internal static class BenchReport
{
    public static void Print(ModelBenchmarkResult result, TextWriter output)
    {
        var o = result.Options;
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        output.WriteLine(
            $"vpd bench model: preset {o.Preset}, {result.ImageSize} px, {result.Tokens} tokens, {o.DType}, {result.Threads} threads, "
            + $"{(o.ChannelsLast ? "channels-last" : "NCHW")}, {(o.DType != TorchSharp.torch.ScalarType.Float32 ? $"float32 part {o.Float32Part}, " : string.Empty)}{o.Sentences} sentence(s)/image, median of {o.Runs} run(s) after {o.Warmup} warm-up");
        foreach (var m in result.Matmuls)
        {
            output.WriteLine($"machine matmul {m.Size}x{m.Size} {m.DType}: {F(m.MedianMs, "F1")} ms = {F(m.GflopPerSecond, "F0")} GFLOP/s");
        }
        var floor = result.Matmuls.FirstOrDefault(m => m.DType == o.DType)?.GflopPerSecond;
        output.WriteLine();
        output.WriteLine($"{"stage",-12} {"per",-9} {"batch",5} {"median ms",11} {"min ms",11} {"ms/item",11} {"GMACs",9} {"GFLOP/s",8} {"%matmul",8} {"ref ms",10} {"ratio",6}  finite");
        foreach (var s in result.Stages)
        {
            var percent = floor is { } f ? F(100 * s.GflopPerSecond / f, "F0") : "-";
            var reference = s.Reference is null ? "-" : F(s.Reference.MedianSeconds * 1000, "F0");
            var ratio = s.RatioToReference is { } r ? F(r, "F2") : "-";
            output.WriteLine(
                $"{s.Name,-12} {s.Unit.ToString().ToLowerInvariant(),-9} {s.Batch,5} {F(s.MedianMs, "F1"),11} {F(s.MinMs, "F1"),11} {F(s.PerItemMs, "F1"),11} "
                + $"{F(s.Gmacs, "F2"),9} {F(s.GflopPerSecond, "F0"),8} {percent,8} {reference,10} {ratio,6}  {(s.Finite ? "yes" : "NO")}");
        }
        output.WriteLine();
        output.WriteLine($"per sentence (clip + unet + head): {F(result.PerSentenceMs, "F1")} ms");
        output.WriteLine($"per image ({o.Sentences} sentence(s), with the VAE encoder): {F(result.PerImageMs, "F1")} ms");
        var vpd = result.VpdForwardReference is { } anchor
            ? $" (reference {F(anchor.MedianSeconds * 1000, "F0")} ms, ratio {F(result.VpdForwardMs / (anchor.MedianSeconds * 1000), "F2")})"
            : string.Empty;
        output.WriteLine($"VPD forward, one sentence (vae + unet + head): {F(result.VpdForwardMs, "F1")} ms{vpd}");
        var peak = result.PeakResidentBytes is { } bytes ? $"{F(bytes / (1024.0 * 1024 * 1024), "F2")} GiB" : "not reported by this OS";
        output.WriteLine($"peak memory (VmHWM): {peak}; model build {F(result.BuildSeconds, "F1")} s");
        if (result.GoldenAgreement is { } agreement)
        {
            output.WriteLine(
                $"golden case {agreement.Case}: bfloat16 (float32 part {agreement.Float32Part}) vs float32 mask agreement "
                + $"{F(100 * agreement.MaskAgreement, "F2")}% (target >= 97%), logits relative error {F(agreement.LogitsRelativeError, "E2")}");
        }
        if (result.Stages.Any(s => !s.Finite))
        {
            output.WriteLine("warning: a stage produced non-finite values with these random weights; its timing may not be representative");
        }
    }
}
