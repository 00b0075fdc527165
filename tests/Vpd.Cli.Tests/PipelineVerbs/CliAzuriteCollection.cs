using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>One Azurite process shared by the pipeline verb tests of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class CliAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "cli-azurite";
}
