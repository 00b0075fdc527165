using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Vpd.Pipeline.Storage;

namespace VpdFunctions;

/// <summary>
/// Reads the storage account from the <c>AzureWebJobsStorage</c> setting the queue triggers use too:
/// a connection string locally (Azurite), or on Azure the identity-based form
/// <c>AzureWebJobsStorage__accountName</c> with <c>__credential = managedidentity</c> and
/// <c>__clientId</c> of the user-assigned identity, so no key is in the settings.
/// </summary>
public static class StorageSettings
{
    /// <summary>The connection setting name the triggers and the pipeline's clients share.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    /// <exception cref="InvalidOperationException">Neither form of the setting is present.</exception>
    public static StorageClients CreateClients(IConfiguration configuration)
    {
        if (configuration[ConnectionName] is { Length: > 0 } connectionString)
        {
            return StorageClients.FromConnectionString(connectionString);
        }
        var section = configuration.GetSection(ConnectionName);
        if (section["accountName"] is { Length: > 0 } accountName)
        {
            return StorageClients.FromAccount(accountName, Credential(section["credential"], section["clientId"]));
        }
        throw new InvalidOperationException(
            $"storage is not configured: set '{ConnectionName}' to a connection string, or '{ConnectionName}__accountName' " +
            $"(with '{ConnectionName}__credential' = managedidentity and '{ConnectionName}__clientId' on Azure)");
    }

    /// <summary>
    /// The identity the Functions host itself uses for this connection: the user-assigned managed
    /// identity when the settings name one, otherwise the default chain (developer sign-in locally).
    /// </summary>
    public static TokenCredential Credential(string? credential, string? clientId)
    {
        var managed = string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase);
        if (managed)
        {
            return string.IsNullOrEmpty(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }
}
