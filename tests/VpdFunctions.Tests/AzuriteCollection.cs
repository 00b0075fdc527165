using Vpd.TestSupport;

namespace VpdFunctions.Tests;

/// <summary>One Azurite process shared by every test of this assembly that joins the collection.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
