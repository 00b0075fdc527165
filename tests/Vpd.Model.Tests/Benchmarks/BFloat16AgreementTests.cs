using Vpd.Tools.Benchmarks;
using Vpd.Model.Nn;
using Vpd.TestSupport;
using Xunit.Abstractions;

namespace Vpd.Model.Tests.Benchmarks;

/// <summary>The bfloat16 path must give the float32 mask on the golden VPD case (issue 3: at least 97% of the pixels).</summary>
public sealed class BFloat16AgreementTests(ITestOutputHelper output)
{
    private const double RequiredAgreement = 0.97;

    [SkippableTheory]
    [InlineData(Float32Part.VaeFirstLevelNorms)]
    [InlineData(Float32Part.VaeFirstLevel)]
    [InlineData(Float32Part.Vae)]
    public void Measure_ProductModes_MaskAgreesWithFloat32OnTheGoldenCase(Float32Part float32Part)
    {
        var result = BFloat16Agreement.Measure(RepoPaths.Golden("vpd_refer_tiny.safetensors"), float32Part);
        output.WriteLine(result.ToString());

        Assert.True(result.MaskAgreement >= RequiredAgreement, $"{result}: needs {RequiredAgreement:P0}");
        Assert.True(result.LogitsRelativeError < 0.05, result.ToString());
    }

    [SkippableFact]
    public void Measure_AllBFloat16_StaysCloseToFloat32()
    {
        // Everything in bfloat16 falls short of 97% on this random-weight case (96.4-97.0% on the machines measured); it must still be close.
        var result = BFloat16Agreement.Measure(RepoPaths.Golden("vpd_refer_tiny.safetensors"), Float32Part.None);
        output.WriteLine(result.ToString());

        Assert.True(result.MaskAgreement > 0.95 && result.LogitsRelativeError < 0.1, result.ToString());
    }
}
