using Yarp.ReverseProxy.Configuration;

// A bare YARP app: one anonymous catch-all route to one backend, and nothing else (no
// authentication, no authorization, no transforms, no telemetry). It is the floor that
// scripts/hotpath.sh measures AuthProxy's own forwarding against.
//
//   dotnet BareYarp.dll --urls http://127.0.0.1:8081 --Backend http://127.0.0.1:9000/
//   BAREYARP_Backend=http://127.0.0.1:9000/ dotnet BareYarp.dll --urls http://127.0.0.1:8081
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables("BAREYARP_");
builder.Configuration.AddCommandLine(args);

var backend = builder.Configuration["Backend"];
if (!Uri.TryCreate(backend, UriKind.Absolute, out _))
{
    await Console.Error.WriteLineAsync("BareYarp needs the backend's address: --Backend http://HOST:PORT/ (or BAREYARP_Backend).");
    return 2;
}

RouteConfig[] routes =
[
    new() { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "{**catch-all}" } },
];
ClusterConfig[] clusters =
[
    new()
    {
        ClusterId = "backend",
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["main"] = new() { Address = backend } },
    },
];
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
return 0;
