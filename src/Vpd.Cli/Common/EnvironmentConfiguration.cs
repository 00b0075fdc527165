using Microsoft.Extensions.Configuration;

namespace Vpd.Cli.Common;

/// <summary>The host settings <c>vpd</c> reads from its environment (VPD_DEVICE, VPD_MODEL_CACHE, ...), as the Functions app reads its app settings.</summary>
public static class EnvironmentConfiguration
{
    public static IConfiguration Current => new ConfigurationBuilder().AddEnvironmentVariables().Build();
}
