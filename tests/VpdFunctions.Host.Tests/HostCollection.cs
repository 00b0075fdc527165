using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;

namespace VpdFunctions.Host.Tests;

/// <summary>
/// One Azurite and one published app for every test here. The app uses the production queue, container
/// and table names, so these tests share them and run one after another (one collection); each test
/// empties the queues first and uses its own run ids.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<PublishedApp>
{
    public const string Name = "functions-host";
}
