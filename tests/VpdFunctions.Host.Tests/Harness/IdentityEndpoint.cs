using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// The managed identity endpoint a Container Apps (or App Service) container gets through
/// <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c>, on a loopback port: it records each token request
/// (resource, client id) and answers with a token that no service would accept.
/// </summary>
public sealed class IdentityEndpoint : IAsyncDisposable
{
    public const string Secret = "harness-identity-header";

    private readonly ConcurrentQueue<TokenRequest> _requests = new();
    private WebApplication? _app;

    public Uri Uri { get; private set; } = null!;

    /// <summary>The environment a container with a managed identity has.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["IDENTITY_ENDPOINT"] = new Uri(Uri, "msi/token").AbsoluteUri,
        ["IDENTITY_HEADER"] = Secret,
    };

    public IReadOnlyList<TokenRequest> Requests => [.. _requests];

    public static async Task<IdentityEndpoint> StartAsync()
    {
        var endpoint = new IdentityEndpoint();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/msi/token", (HttpRequest request) =>
        {
            endpoint._requests.Enqueue(new TokenRequest(
                request.Query["resource"].ToString(), request.Query["client_id"].ToString(), request.Query["api-version"].ToString(),
                request.Headers["X-IDENTITY-HEADER"].ToString()));
            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            return Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = "harness-token-not-valid-anywhere",
                ["expires_on"] = expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["resource"] = request.Query["resource"].ToString(),
                ["token_type"] = "Bearer",
                ["client_id"] = request.Query["client_id"].ToString(),
            });
        });
        await app.StartAsync();
        endpoint._app = app;
        endpoint.Uri = new Uri(app.Urls.Single());
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>One token request: what it asked for and whether it carried the container's identity header.</summary>
public sealed record TokenRequest(string Resource, string ClientId, string ApiVersion, string IdentityHeader);
