using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vpd.Model;
using Vpd.Pipeline.Hosting;
using VpdFunctions;

// Before any tensor exists: libtorch reads some of these switches once.
TorchRuntime.Configure();
var builder = FunctionsApplication.CreateBuilder(args);
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
builder.Logging.KeepInformationForApplicationInsights();
builder.Services.AddVpdPipeline(options =>
{
    options.Storage = _ => StorageSettings.CreateClients(builder.Configuration);
    options.Host = HostSettings.From(builder.Configuration);
});
var app = builder.Build();
// A GPU host that cannot see its GPU must not start: it would run every model on its CPU.
HostDevice.EnsureAvailable(app.Services.GetRequiredService<HostSettings>());
app.Run();
