using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vpd.Model;
using Vpd.Pipeline;
using Vpd.Pipeline.Segmentation;
using VpdFunctions;

// Before any tensor exists: libtorch reads some of these switches once.
TorchRuntime.Configure();
var builder = FunctionsApplication.CreateBuilder(args);
// One PipelineServices per process: its model cache keeps the model loaded between messages.
builder.Services.AddSingleton(_ => new PipelineServices(
    StorageSettings.CreateClients(builder.Configuration), WorkerSegmenters.Create()));
builder.Build().Run();
