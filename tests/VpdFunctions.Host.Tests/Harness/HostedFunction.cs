using System.Text.Json.Nodes;
using VpdFunctions.Host.Tests.Rpc;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>A function the host indexed and loaded into the worker, with its bindings as declared.</summary>
public sealed record HostedFunction(
    string Name, string FunctionId, string ScriptFile, string EntryPoint, string Directory,
    IReadOnlyList<FunctionBinding> Bindings, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The function's one trigger binding.</summary>
    public FunctionBinding Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    /// <summary>The load request the host sends for this function (the host's view of its metadata).</summary>
    public FunctionLoadRequest ToLoadRequest()
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = Name, Directory = Directory, EntryPoint = EntryPoint, ScriptFile = ScriptFile, IsProxy = false, FunctionId = FunctionId,
        };
        foreach (var binding in Bindings)
        {
            metadata.Bindings.Add(binding.Name, binding.ToBindingInfo());
        }
        foreach (var (key, value) in Properties)
        {
            metadata.Properties.Add(key, value);
        }
        return new FunctionLoadRequest { FunctionId = FunctionId, Metadata = metadata };
    }

    /// <summary>A function from the worker's metadata response: each raw binding is the JSON it declared.</summary>
    public static HostedFunction FromWorker(RpcFunctionMetadata metadata) => new(
        metadata.Name, metadata.FunctionId, metadata.ScriptFile, metadata.EntryPoint, metadata.Directory,
        metadata.RawBindings.Select(raw => FunctionBinding.Parse(JsonNode.Parse(raw) as JsonObject, metadata.Name)).ToList(),
        metadata.Properties.ToDictionary(p => p.Key, p => p.Value));

    /// <summary>A function from the app's <c>functions.metadata</c> (host indexing): the host gives it an id.</summary>
    public static HostedFunction FromMetadataFile(JsonObject entry)
    {
        var name = (string?)entry["name"] ?? throw new InvalidDataException("functions.metadata entry without a name");
        var bindings = (entry["bindings"] as JsonArray ?? throw new InvalidDataException($"function {name} has no bindings"))
            .Select(b => FunctionBinding.Parse(b as JsonObject, name)).ToList();
        var properties = (entry["properties"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty);
        return new HostedFunction(
            name, Guid.NewGuid().ToString(), (string?)entry["scriptFile"] ?? string.Empty, (string?)entry["entryPoint"] ?? string.Empty,
            string.Empty, bindings, properties);
    }
}

/// <summary>One binding of a function, as its raw JSON declares it.</summary>
public sealed record FunctionBinding(string Name, string Type, string Direction, string? DataType, JsonObject Raw)
{
    /// <summary>A setting of the binding (<c>queueName</c>, <c>connection</c>, ...), or null.</summary>
    public string? Setting(string name) => (string?)Raw[name];

    /// <summary>Whether the worker asked for the extension's binding data (an SDK type) instead of a converted value.</summary>
    public bool SupportsDeferredBinding =>
        string.Equals((string?)Raw["properties"]?["supportsDeferredBinding"], "true", StringComparison.OrdinalIgnoreCase);

    public BindingInfo ToBindingInfo() => new()
    {
        Type = Type,
        Direction = Enum.Parse<BindingInfo.Types.Direction>(Direction, ignoreCase: true),
        DataType = DataType is null ? BindingInfo.Types.DataType.Undefined : Enum.Parse<BindingInfo.Types.DataType>(DataType, ignoreCase: true),
    };

    public static FunctionBinding Parse(JsonObject? raw, string function)
    {
        if (raw is null)
        {
            throw new InvalidDataException($"function {function} has a binding that is not a JSON object");
        }
        string Required(string key) => (string?)raw[key] ?? throw new InvalidDataException($"a binding of function {function} has no '{key}'");
        return new FunctionBinding(Required("name"), Required("type"), Required("direction"), (string?)raw["dataType"], raw);
    }
}
