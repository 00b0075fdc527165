using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;

namespace VpdFunctions;

/// <summary>Logging setup of the worker's direct Application Insights telemetry.</summary>
public static class ApplicationInsightsLogging
{
    /// <summary>
    /// The Application Insights SDK adds a filter that keeps only warnings and above from ILogger; the pipeline's
    /// per-message outcomes and model loads are Information, and an operator needs them, so that filter is removed
    /// (host.json's logLevel still applies).
    /// </summary>
    public static ILoggingBuilder KeepInformationForApplicationInsights(this ILoggingBuilder logging)
    {
        logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == typeof(ApplicationInsightsLoggerProvider).FullName);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });
        return logging;
    }
}
