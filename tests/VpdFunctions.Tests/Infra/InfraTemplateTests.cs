using System.Text.Json;

namespace VpdFunctions.Tests.Infra;

/// <summary>
/// infra/main.bicep compiled with the pinned Bicep CLI: the storage account refuses keys, the
/// identity holds exactly the data-plane roles it needs, the GPU app scales on vpd-expressions with
/// that identity, the GPU profile follows its parameter, and no secret reaches outputs or settings.
/// </summary>
public sealed class InfraTemplateTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private const string StorageAccountType = "Microsoft.Storage/storageAccounts";
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    private const string ContainerAppType = "Microsoft.App/containerApps";
    private const string EnvironmentType = "Microsoft.App/managedEnvironments";
    private const string RegistryType = "Microsoft.ContainerRegistry/registries";
    private const string AppInsightsType = "Microsoft.Insights/components";
    private const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    // Built-in role definition ids (identical in every tenant).
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    // Substrings that only appear where a key or a key-bearing connection string is handled.
    private static readonly string[] SecretMarkers =
        ["listKeys(", "listCredentials(", "listSecrets(", "AccountKey=", "SharedAccessKey=", "SharedAccessSignature=",
         "primarySharedKey", "InstrumentationKey="];

    private DeploymentSnapshot Snapshot => infra.Snapshot;

    [Fact]
    public void Build_MainTemplate_CompilesWithoutDiagnostics()
    {
        Assert.Equal(0, infra.Build.ExitCode);
        Assert.True(infra.Build.Output.Length == 0, $"bicep build printed diagnostics:\n{infra.Build.Output}");
    }

    [Fact]
    public void StorageAccount_Deployed_DisallowsKeysPublicBlobsAndOldTls()
    {
        var properties = Snapshot.Single(StorageAccountType).GetProperty("properties");

        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean(), "allowSharedKeyAccess must be false");
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean(), "allowBlobPublicAccess must be false");
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean(), "HTTPS only");
    }

    [Fact]
    public void StorageAccount_Deployed_HasContractQueuesContainersAndTables()
    {
        var account = DeploymentSnapshot.Id(Snapshot.Single(StorageAccountType));

        string[] Children(string type) =>
        [
            .. Snapshot.OfType($"{StorageAccountType}/{type}")
                .Select(r =>
                {
                    Assert.StartsWith(account + "/", DeploymentSnapshot.Id(r));
                    return DeploymentSnapshot.LeafName(r);
                })
                .Order(StringComparer.Ordinal),
        ];

        Assert.Equal(["vpd-aggregate", "vpd-aggregate-poison", "vpd-expressions", "vpd-expressions-poison"],
            Children("queueServices/queues"));
        Assert.Equal(["inputs", "models", "runs"], Children("blobServices/containers"));
        Assert.Equal(["VpdRuns", "VpdSamples"], Children("tableServices/tables"));
        Assert.All(Snapshot.OfType($"{StorageAccountType}/blobServices/containers"),
            c => Assert.Equal("None", c.GetProperty("properties").GetProperty("publicAccess").GetString()));
    }

    [Fact]
    public void RoleAssignments_All_TargetAppIdentityWithExactRolesPerScope()
    {
        var identityId = AppIdentityId(Snapshot);
        Assert.Equal(DeploymentSnapshot.Id(Snapshot.Single(IdentityType)), identityId);
        var storage = DeploymentSnapshot.Id(Snapshot.Single(StorageAccountType));
        var registry = DeploymentSnapshot.Id(Snapshot.Single(RegistryType));
        var appInsights = DeploymentSnapshot.Id(Snapshot.Single(AppInsightsType));
        var roleDefinitions = $"/subscriptions/{CompiledInfra.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/";

        var granted = new HashSet<(string Scope, string Role)>();
        foreach (var assignment in Snapshot.OfType(RoleAssignmentType))
        {
            var id = DeploymentSnapshot.Id(assignment);
            var properties = assignment.GetProperty("properties");
            var principal = properties.GetProperty("principalId").GetString();
            Assert.True(DeploymentSnapshot.ReferencedId(principal, "principalId") == identityId,
                $"role assignment {id} is for {principal}, not the app identity {identityId}");
            Assert.Equal("ServicePrincipal", properties.GetProperty("principalType").GetString());

            var roleDefinition = properties.GetProperty("roleDefinitionId").GetString()!;
            Assert.StartsWith(roleDefinitions, roleDefinition);
            var marker = $"/providers/{RoleAssignmentType}/";
            Assert.Contains(marker, id);
            var scope = id[..id.IndexOf(marker, StringComparison.Ordinal)];
            Assert.True(granted.Add((scope, roleDefinition[roleDefinitions.Length..])), $"duplicate role assignment {id}");
        }

        var expected = new HashSet<(string, string)>
        {
            (storage, StorageBlobDataContributor),
            (storage, StorageQueueDataContributor),
            (storage, StorageTableDataContributor),
            (registry, AcrPull),
            (appInsights, MonitoringMetricsPublisher),
        };
        Assert.True(expected.SetEquals(granted),
            $"roles granted: {string.Join(", ", granted.Order())}; expected: {string.Join(", ", expected.Order())}");
    }

    [Fact]
    public void ScaleRules_ExpressionsQueue_WatchedWithAppIdentity()
    {
        var app = Snapshot.Single(ContainerAppType);
        Assert.Equal("functionapp", app.GetProperty("kind").GetString());
        var scale = app.GetProperty("properties").GetProperty("template").GetProperty("scale");
        // Without the override the platform blocks user rules on kind functionapp (see functionsApp.bicep).
        Assert.True(scale.GetProperty("allowScalingRuleOverride").GetBoolean(), "explicit rules need allowScalingRuleOverride");

        var identityId = AppIdentityId(Snapshot);
        var account = DeploymentSnapshot.LeafName(Snapshot.Single(StorageAccountType));
        var queueRules = scale.GetProperty("rules").EnumerateArray()
            .Select(rule => rule.TryGetProperty("azureQueue", out var queue) ? queue : (JsonElement?)null)
            .ToList();
        Assert.All(queueRules, queue =>
        {
            Assert.True(queue.HasValue, "every scale rule is an azure-queue rule");
            Assert.Equal(account, queue.Value.GetProperty("accountName").GetString());
            Assert.Equal(identityId, queue.Value.GetProperty("identity").GetString());
            Assert.False(queue.Value.TryGetProperty("auth", out _), "queue rules authenticate with the identity, not a secret");
        });

        var expressions = Assert.Single(queueRules, q => q!.Value.GetProperty("queueName").GetString() == "vpd-expressions");
        Assert.True(expressions!.Value.GetProperty("queueLength").GetInt32() >= 1);
        Assert.Equal(0, scale.GetProperty("minReplicas").GetInt32());
    }

    [Fact]
    public void WorkloadProfile_Template_TypeIsAParameterTheEnvironmentUses()
    {
        var parameter = infra.Template.GetProperty("parameters").GetProperty("gpuProfileType");
        var allowed = parameter.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Contains("Consumption-GPU-NC8as-T4", allowed);
        Assert.Contains("Consumption-GPU-NC24-A100", allowed);

        var module = TemplateResources(infra.Template)
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                         && r.GetProperty("properties").GetProperty("template").GetRawText().Contains(EnvironmentType));
        var passed = module.GetProperty("properties").GetProperty("parameters").EnumerateObject()
            .Where(p => p.Value.GetProperty("value").GetString() == "[parameters('gpuProfileType')]")
            .Select(p => p.Name)
            .ToList();
        var inner = Assert.Single(passed);

        var environment = TemplateResources(module.GetProperty("properties").GetProperty("template"))
            .Single(r => r.GetProperty("type").GetString() == EnvironmentType);
        var profileTypes = environment.GetProperty("properties").GetProperty("workloadProfiles").EnumerateArray()
            .Select(p => p.GetProperty("workloadProfileType").GetString())
            .ToList();
        Assert.Contains($"[parameters('{inner}')]", profileTypes);
    }

    [Fact]
    public void WorkloadProfile_EachAllowedType_DrivesEnvironmentAndAppReplica()
    {
        var allowed = infra.Template.GetProperty("parameters").GetProperty("gpuProfileType")
            .GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToList();
        var replicaCpus = new Dictionary<string, double>();
        var defaultProfileType = Snapshot.Single(EnvironmentType).GetProperty("properties").GetProperty("workloadProfiles")
            .EnumerateArray().Select(p => p.GetProperty("workloadProfileType").GetString()).Single(t => t != "Consumption");
        foreach (var profileType in allowed)
        {
            // main.bicepparam's own choice is already snapshotted; the others get a parameter file each.
            var snapshot = profileType == defaultProfileType
                ? Snapshot
                : infra.SnapshotWith($"param gpuProfileType = '{profileType}'");
            var profiles = snapshot.Single(EnvironmentType).GetProperty("properties").GetProperty("workloadProfiles")
                .EnumerateArray().ToList();
            var gpu = Assert.Single(profiles, p => p.GetProperty("workloadProfileType").GetString() == profileType);
            Assert.All(profiles.Where(p => !p.Equals(gpu)),
                p => Assert.Equal("Consumption", p.GetProperty("workloadProfileType").GetString()));

            var appProperties = snapshot.Single(ContainerAppType).GetProperty("properties");
            Assert.Equal(gpu.GetProperty("name").GetString(), appProperties.GetProperty("workloadProfileName").GetString());
            var container = Assert.Single(appProperties.GetProperty("template").GetProperty("containers").EnumerateArray());
            replicaCpus[profileType] = container.GetProperty("resources").GetProperty("cpu").GetDouble();

            // Dedicated profiles are sized in nodes; serverless GPU profiles must not carry node counts.
            var dedicated = !profileType.StartsWith("Consumption-", StringComparison.Ordinal);
            var hasNodeCount = gpu.TryGetProperty("maximumCount", out var nodes) && nodes.ValueKind == JsonValueKind.Number;
            Assert.True(dedicated == hasNodeCount, $"{profileType}: node count present = {hasNodeCount}");
        }
        Assert.True(replicaCpus["Consumption-GPU-NC24-A100"] > replicaCpus["Consumption-GPU-NC8as-T4"],
            "the A100 replica is larger than the T4 replica");
    }

    [Fact]
    public void Secrets_TemplateAndOutputs_NoKeysOrConnectionStrings()
    {
        var template = infra.Template.GetRawText();
        Assert.All(SecretMarkers, marker => Assert.DoesNotContain(marker, template, StringComparison.OrdinalIgnoreCase));

        var outputs = AllOutputs(infra.Template).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output =>
        {
            Assert.DoesNotContain("connectionstring", output.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("key", output.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secret", output.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password", output.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("connectionstring", output.Value.GetRawText(), StringComparison.OrdinalIgnoreCase);
        });
        Assert.DoesNotContain("connectionstring", Snapshot.Outputs.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AppSettings_Container_IdentityBasedWithoutSecrets()
    {
        var app = Snapshot.Single(ContainerAppType).GetProperty("properties");
        var configuration = app.GetProperty("configuration");
        Assert.True(!configuration.TryGetProperty("secrets", out var secrets) || secrets.GetArrayLength() == 0,
            "the app defines no secrets");
        var container = Assert.Single(app.GetProperty("template").GetProperty("containers").EnumerateArray());
        var settings = new Dictionary<string, string>();
        foreach (var variable in container.GetProperty("env").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            Assert.False(variable.TryGetProperty("secretRef", out _), $"{name} comes from a secret");
            var value = variable.GetProperty("value").GetString()!;
            Assert.All(SecretMarkers, marker => Assert.DoesNotContain(marker, value, StringComparison.OrdinalIgnoreCase));
            Assert.True(settings.TryAdd(name, value), $"{name} is set twice");
        }

        var identityId = AppIdentityId(Snapshot);
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage would be a connection string");
        Assert.Equal(DeploymentSnapshot.LeafName(Snapshot.Single(StorageAccountType)), settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(identityId, DeploymentSnapshot.ReferencedId(settings["AzureWebJobsStorage__clientId"], "clientId"));
        Assert.Equal("cuda", settings["VPD_DEVICE"]);
        Assert.False(settings.ContainsKey("VPD_DTYPE"), "the dtype is the run's (vpd enqueue --dtype), not the host's");
        Assert.False(string.IsNullOrWhiteSpace(settings["VPD_MODEL_CACHE"]), "VPD_MODEL_CACHE is set");

        // The one connection string allowed: Application Insights', which carries no credential
        // because the component refuses key (instrumentation key) authentication.
        var connectionSettings = settings.Keys.Where(k => k.Contains("CONNECTION", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(["APPLICATIONINSIGHTS_CONNECTION_STRING"], connectionSettings);
        var appInsights = Snapshot.Single(AppInsightsType);
        Assert.Equal(DeploymentSnapshot.Id(appInsights),
            DeploymentSnapshot.ReferencedId(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], "ConnectionString"));
        Assert.True(appInsights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean(),
            "Application Insights must refuse instrumentation-key-only ingestion");
        var authentication = System.Text.RegularExpressions.Regex.Match(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"],
            @"^\[format\('ClientId=\{0\};Authorization=AAD', reference\('(?<id>[^']+)', '[^']+'\)\.clientId\)\]$");
        Assert.True(authentication.Success, "telemetry authenticates with the app identity (Authorization=AAD)");
        Assert.Equal(identityId, authentication.Groups["id"].Value);
    }

    [Fact]
    public void Registry_Deployed_AdminUserDisabledAndPulledByIdentity()
    {
        var registry = Snapshot.Single(RegistryType);
        Assert.False(registry.GetProperty("properties").GetProperty("adminUserEnabled").GetBoolean(), "admin user disabled");

        var registries = Snapshot.Single(ContainerAppType).GetProperty("properties").GetProperty("configuration")
            .GetProperty("registries").EnumerateArray().ToList();
        var pull = Assert.Single(registries);
        Assert.Equal(AppIdentityId(Snapshot), pull.GetProperty("identity").GetString());
        Assert.False(pull.TryGetProperty("passwordSecretRef", out _), "no registry password");
        Assert.Contains(DeploymentSnapshot.LeafName(registry), pull.GetProperty("server").GetString());
    }

    /// <summary>The single user-assigned identity of the Functions app.</summary>
    private static string AppIdentityId(DeploymentSnapshot snapshot)
    {
        var identity = snapshot.Single(ContainerAppType).GetProperty("identity");
        Assert.Equal("UserAssigned", identity.GetProperty("type").GetString());
        return Assert.Single(identity.GetProperty("userAssignedIdentities").EnumerateObject()).Name;
    }

    /// <summary>Resources of an ARM template, whether listed (array) or keyed by symbolic name (object).</summary>
    private static IEnumerable<JsonElement> TemplateResources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray()
            : resources.EnumerateObject().Select(p => p.Value);
    }

    /// <summary>Outputs of the template and of every nested (module) template.</summary>
    private static IEnumerable<JsonProperty> AllOutputs(JsonElement template)
    {
        if (template.TryGetProperty("outputs", out var outputs))
        {
            foreach (var output in outputs.EnumerateObject())
            {
                yield return output;
            }
        }
        foreach (var resource in TemplateResources(template))
        {
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var output in AllOutputs(nested))
                {
                    yield return output;
                }
            }
        }
    }
}
