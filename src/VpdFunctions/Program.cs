using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vpd.Model.Nn;
using Vpd.Pipeline;
using Vpd.Pipeline.Segmentation;
using VpdFunctions;

// Before any tensor exists: libtorch reads this switch once (see TorchMemory).
TorchMemory.RequestHugePages();
// Freed tensors' memory is kept for the next forward instead of being unmapped and faulted in again.
TorchMemory.KeepFreedMemory();
var builder = FunctionsApplication.CreateBuilder(args);
// One PipelineServices per process: its model cache keeps the model loaded between messages.
builder.Services.AddSingleton(_ => new PipelineServices(
    StorageSettings.CreateClients(builder.Configuration), WorkerSegmenters.Create()));
builder.Build().Run();
