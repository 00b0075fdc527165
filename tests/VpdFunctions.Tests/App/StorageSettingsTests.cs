using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace VpdFunctions.Tests.App;

public sealed class StorageSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void CreateClients_ConnectionString_UsesItsEndpoints()
    {
        var clients = StorageSettings.CreateClients(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));

        Assert.Equal("127.0.0.1", clients.Blobs.Uri.Host);
        Assert.Equal(10001, clients.Queues.Uri.Port);
        Assert.Equal("vpd-expressions", clients.Names.ExpressionsQueue);
    }

    [Fact]
    public void CreateClients_AccountNameWithManagedIdentity_UsesAccountEndpoints()
    {
        var clients = StorageSettings.CreateClients(Settings(
            ("AzureWebJobsStorage:accountName", "vpdstore123"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.Equal("vpdstore123.blob.core.windows.net", clients.Blobs.Uri.Host);
        Assert.Equal("vpdstore123.queue.core.windows.net", clients.Queues.Uri.Host);
        Assert.Equal("vpdstore123.table.core.windows.net", clients.Tables.Uri.Host);
    }

    [Fact]
    public void CreateClients_NoSetting_ThrowsNamingTheSetting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => StorageSettings.CreateClients(Settings()));

        Assert.Contains("AzureWebJobsStorage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_ManagedIdentity_IsManagedIdentityCredential()
    {
        Assert.IsType<ManagedIdentityCredential>(StorageSettings.Credential("managedidentity", "00000000-0000-0000-0000-000000000001"));
        Assert.IsType<DefaultAzureCredential>(StorageSettings.Credential(null, null));
    }
}
