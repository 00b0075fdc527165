using System.CommandLine;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Common;

/// <summary>
/// <c>--connection</c> (default: <c>VPD_STORAGE_CONNECTION</c>, else Azurite's development storage) or
/// <c>--account NAME</c> (Azure AD through DefaultAzureCredential), added to a command together.
/// </summary>
public sealed class StorageOptions
{
    public const string ConnectionVariable = "VPD_STORAGE_CONNECTION";
    public const string DevelopmentConnection = "UseDevelopmentStorage=true";

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = $"Storage connection string (default: ${ConnectionVariable}, else Azurite's {DevelopmentConnection})",
    };

    public Option<string?> Account { get; } = new("--account")
    {
        Description = "Storage account name, signed in with Azure AD (DefaultAzureCredential) instead of a connection string",
    };

    /// <summary>Isolates the names of containers, queues and tables (tests sharing one Azurite); not for normal use.</summary>
    public Option<string?> Prefix { get; } = new("--storage-prefix") { Hidden = true };

    public static StorageOptions AddTo(Command command)
    {
        var options = new StorageOptions();
        command.Options.Add(options.Connection);
        command.Options.Add(options.Account);
        command.Options.Add(options.Prefix);
        return options;
    }

    /// <summary>The connection string that applies, or null with <c>--account</c>.</summary>
    /// <exception cref="ArgumentException">Both <c>--connection</c> and <c>--account</c>.</exception>
    public string? ConnectionString(ParseResult parse)
    {
        var connection = parse.GetValue(Connection);
        if (parse.GetValue(Account) is { Length: > 0 })
        {
            return connection is null ? null : throw new ArgumentException("give --connection or --account, not both");
        }
        return connection
            ?? (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } fromEnv ? fromEnv : DevelopmentConnection);
    }

    /// <summary>Whether storage is the local Azurite at its default ports (which <c>vpd demo</c> may start).</summary>
    public bool IsDevelopmentStorage(ParseResult parse) => ConnectionString(parse) == DevelopmentConnection;

    /// <summary>
    /// Clients for the chosen account; <paramref name="connectionOverride"/> replaces the connection string (an Azurite
    /// we started). Verbs that answer a person retry briefly (<see cref="StorageRetry.Interactive"/>); workers patiently.
    /// </summary>
    public StorageClients Create(ParseResult parse, string? connectionOverride = null, StorageRetry retry = StorageRetry.Interactive)
    {
        var names = parse.GetValue(Prefix) is { Length: > 0 } prefix ? StorageNames.WithPrefix(prefix) : StorageNames.Default;
        if (connectionOverride is not null)
        {
            return StorageClients.FromConnectionString(connectionOverride, names, retry);
        }
        var connection = ConnectionString(parse);
        return connection is null
            ? StorageClients.FromAccount(parse.GetValue(Account)!, names: names, retry: retry)
            : StorageClients.FromConnectionString(connection, names, retry);
    }
}
