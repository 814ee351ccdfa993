using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuthProxy.Configuration;
using AuthProxy.Hosting.Settings;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace AuthProxy.Tests.Hosting;

/// <summary>
/// <c>deploy/replicas</c>: the Compose example of AuthProxy replicas sharing one PostgreSQL store
/// behind nginx, with Prometheus and Grafana. No container engine runs here, so its files are read
/// as Compose, nginx, Prometheus and Grafana read them and held to what AuthProxy really is: the
/// settings it knows, the port and path it serves metrics on, the series it exports. The replicas'
/// configuration itself is then run, two instances on one real PostgreSQL, through the README's
/// revocation.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class DeployExampleTests(BackendProcess backend)
{
    private static readonly string RepositoryRoot = Routing.RoutesFileReaderTests.FindRepositoryRoot();

    private static readonly string Example = Path.Combine(RepositoryRoot, "deploy", "replicas");

    private static readonly ComposeFile Compose = ComposeFile.Load(Path.Combine(Example, "compose.yaml"));

    /// <summary>Variables the container reads that are not AuthProxy settings: where Kestrel listens, where the settings file is.</summary>
    private static readonly HashSet<string> HostVariables = new(StringComparer.Ordinal) { "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS", "AUTHPROXY_SETTINGS" };

    /// <summary>Every type of AuthProxy that names a configuration section (its options classes and readers), with that section.</summary>
    private static readonly (string Section, Type Type)[] Sections =
    [
        .. typeof(AuthProxyOptions).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(s => s.Field is { IsLiteral: true } && s.Field.FieldType == typeof(string))
            .Select(s => ((string)s.Field!.GetRawConstantValue()!, s.Type)),
    ];

    /// <summary>The AuthProxy replicas: the services built from the repository's own Dockerfile.</summary>
    private static IReadOnlyList<string> Replicas =>
    [
        .. Compose.ServiceNames.Where(s => Compose.Scalar(s, "build", "dockerfile") == "Dockerfile"
            && Compose.Scalar(s, "build", "context") is { } context
            && SamePath(Path.Combine(Compose.Folder, context), RepositoryRoot)),
    ];

    [Fact]
    public void EverySettingInTheReplicasEnvironment_IsOneAuthProxyKnows()
    {
        Assert.True(Replicas.Count >= 2, "compose.yaml runs at least two replicas built from the repository's Dockerfile");
        foreach (var replica in Replicas)
        {
            var environment = Compose.Environment(replica);
            Assert.NotEmpty(environment);
            var unknown = environment.Keys.Where(k => !HostVariables.Contains(k) && !IsKnownSetting(k)).ToList();
            Assert.True(unknown.Count == 0, $"{replica} sets {string.Join(", ", unknown)}, which AuthProxy does not read: a misspelt setting is silently ignored");
        }
    }

    [Theory]
    [InlineData("AuthProxy__Store__Provider", true)]
    [InlineData("AuthProxy__Store__ConnectionString", true)]
    [InlineData("AuthProxy__Store__PollInterval", true)]
    [InlineData("AuthProxy__Store__DataProtectionKeys", true)]
    [InlineData("AuthProxy__Management__Urls", true)]
    [InlineData("AuthProxy__TrustedProxies__0", true)]
    [InlineData("Users", true)]
    [InlineData("Security__JWT__HMAC__Secret", true)]
    [InlineData("Security__JWT__Providers__corp__Keys__0", true)]
    [InlineData("Logging__LogLevel__AuthProxy", true)]
    [InlineData("AuthProxy__Store__Provdier", false)]
    [InlineData("AuthProxy__Store__IsPostgres", false)]
    [InlineData("AuthProxy__TrustedProxies", false)]
    [InlineData("AuthProxy__TrustedProxies__Length", false)]
    [InlineData("AuthProxy__Store__Provider__0", false)]
    [InlineData("AuthProxy_Store_Provider", false)]
    [InlineData("AuthProxy__Store", false)]
    public void TheSettingCheck_TellsWhatAuthProxyReadsFromWhatItIgnores(string variable, bool known) =>
        // Refused: a misspelling; a read-only property derived from Provider; a list given without an
        // index (AuthProxy ignores the value, so nothing would be trusted); the array's own Length;
        // an index on a setting that is no list; single underscores; a section with no value.
        Assert.Equal(known, IsKnownSetting(variable));

    [Fact]
    public void TheReplicas_ShareOnePostgreSqlStore_WithTheSameSettings()
    {
        var environments = Replicas.Select(Compose.Environment).ToList();
        Assert.All(environments, e => Assert.Equal("PostgreSQL", e.GetValueOrDefault("AuthProxy__Store__Provider")));
        Assert.Single(environments.Select(e => e.GetValueOrDefault("AuthProxy__Store__ConnectionString")).Distinct());

        // Replicas that are configured apart decide apart (another issuer, other trusted proxies, ...).
        Assert.All(environments, e => Assert.Equal(environments[0], e));

        // The connection string names the postgres service, its database, user and password.
        var connection = new NpgsqlConnectionStringBuilder(environments[0]["AuthProxy__Store__ConnectionString"]);
        var database = connection.Host!;
        Assert.StartsWith("postgres:15", Compose.Scalar(database, "image"), StringComparison.Ordinal);
        var server = Compose.Environment(database);
        Assert.Equal(server["POSTGRES_DB"], connection.Database);
        Assert.Equal(server["POSTGRES_USER"], connection.Username);
        Assert.Equal(server["POSTGRES_PASSWORD"], connection.Password);
        Assert.Equal(5432, connection.Port);

        // Its data on a named volume, a health check, and the replicas start once it passes.
        var data = Assert.Single(Compose.Volumes(database), v => v.Target == "/var/lib/postgresql/data");
        Assert.False(data.Bind);
        Assert.NotNull(ComposeFile.Child(ComposeFile.Child(Compose.Root, "volumes")!, data.Source));
        Assert.NotNull(ComposeFile.Child(Compose.Service(database), "healthcheck"));
        Assert.All(Replicas, r => Assert.Equal("service_healthy", Compose.DependsOn(r).GetValueOrDefault(database)));
    }

    [Fact]
    public void Prometheus_ScrapesEachReplica_OnThePortAndPathAuthProxyServesMetrics()
    {
        // The file checked is the file Prometheus reads.
        var mount = Assert.Single(Compose.Volumes("prometheus"), v => v.Target == "/etc/prometheus/prometheus.yml");
        Assert.True(SamePath(mount.Source, Path.Combine(Example, "prometheus.yml")), mount.Source);

        var scrapes = Scrapes();
        foreach (var replica in Replicas)
        {
            var environment = Compose.Environment(replica);
            Assert.NotEqual("false", environment.GetValueOrDefault("AuthProxy__Telemetry__Prometheus")?.ToLowerInvariant());

            // With a management listener, /metrics is served there only.
            var management = ManagementPorts(environment);
            Assert.NotEmpty(management);
            var scrape = Assert.Single(scrapes, s => s.Host == replica);
            Assert.Contains(scrape.Port, management);
            Assert.Equal(TelemetrySetup.MetricsPath, scrape.Path);

            // The management listener stays on the compose network.
            Assert.DoesNotContain(Compose.Ports(replica), p => management.Contains(p.ContainerPort));
        }
    }

    [Fact]
    public void Nginx_BalancesTheReplicasRoundRobin_AndOnlyItsForwardedForIsBelieved()
    {
        var mount = Assert.Single(Compose.Volumes("lb"), v => v.Target.StartsWith("/etc/nginx/", StringComparison.Ordinal));
        Assert.True(mount.ReadOnly);
        var top = NginxDirective.Parse(File.ReadAllText(mount.Source));
        var all = top.Concat(top.SelectMany(d => d.Descendants())).ToList();

        // Every replica on its main port, with passive health checks; round robin (no other method).
        var upstream = Assert.Single(all, d => d.Name == "upstream");
        var servers = upstream.Block.Where(d => d.Name == "server").ToList();
        Assert.Equal(Replicas.Select(r => $"{r}:{MainPort(r)}").Order(StringComparer.Ordinal), servers.Select(s => s.Arguments[0]).Order(StringComparer.Ordinal));
        Assert.All(servers, s =>
        {
            Assert.Contains(s.Arguments, a => a.StartsWith("max_fails=", StringComparison.Ordinal) && a != "max_fails=0");
            Assert.Contains(s.Arguments, a => a.StartsWith("fail_timeout=", StringComparison.Ordinal));
            Assert.DoesNotContain(s.Arguments, a => a is "backup" or "down" || a.StartsWith("weight=", StringComparison.Ordinal));
        });
        Assert.DoesNotContain(upstream.Block, d => d.Name is "ip_hash" or "hash" or "least_conn" or "least_time" or "random" or "sticky");

        // Every location sending to them appends the client's address to X-Forwarded-For.
        var locations = all.Where(d => d.Name == "location" && d.Block.Any(x => x.Name == "proxy_pass")).ToList();
        Assert.NotEmpty(locations);
        Assert.All(locations, l =>
        {
            Assert.Equal("http://" + upstream.Arguments[0], l.Block.Single(d => d.Name == "proxy_pass").Arguments[0]);
            Assert.Contains(l.Block, d => d.Name == "proxy_set_header" && d.Arguments is ["X-Forwarded-For", "$proxy_add_x_forwarded_for"]);
        });

        // nginx listens where the load balancer's port is published.
        var listens = all.Where(d => d.Name == "listen").Select(d => int.Parse(d.Arguments[0].Split(':')[^1], CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(Compose.Ports("lb"));
        Assert.All(Compose.Ports("lb"), p => Assert.Contains(p.ContainerPort, listens));

        // AuthProxy believes nginx's fixed address, and no other address on the network: not the
        // gateway that clients of the replicas' published ports come from, not the range the other
        // containers are given.
        var (networkKey, lbNetwork) = Assert.Single(((YamlMappingNode)ComposeFile.Child(Compose.Service("lb"), "networks")!).Children);
        var network = ((YamlScalarNode)networkKey).Value!;
        var lb = IPAddress.Parse(Value(lbNetwork, "ipv4_address")!);
        var ipam = ComposeFile.Child(ComposeFile.Child(ComposeFile.Child(Compose.Root, "networks")!, network)!, "ipam")!;
        var pool = Assert.Single(((YamlSequenceNode)ComposeFile.Child(ipam, "config")!).Children);
        var subnet = IPNetwork.Parse(Value(pool, "subnet")!);
        var range = IPNetwork.Parse(Value(pool, "ip_range")!);
        Assert.True(subnet.Contains(lb) && !range.Contains(lb), $"{lb} is in {subnet}, outside the dynamic range {range}");
        var gatewayBytes = subnet.BaseAddress.GetAddressBytes();
        gatewayBytes[^1]++;
        var gateway = new IPAddress(gatewayBytes);
        foreach (var replica in Replicas)
        {
            Assert.Contains(network, ComposeFile.Sequence(Compose.Service(replica), "networks"));
            var trusted = TrustedProxies(Compose.Environment(replica));
            Assert.Contains(trusted, n => n.Contains(lb));
            Assert.DoesNotContain(trusted, n => n.Contains(gateway) || n.Contains(range.BaseAddress) || range.Contains(n.BaseAddress));
        }
    }

    [Fact]
    public void TheMountedAndBuiltFiles_AreTheRepositorysOwn_WhereAuthProxyLooksForThem()
    {
        foreach (var service in Compose.ServiceNames)
        {
            Assert.All(Compose.Volumes(service).Where(v => v.Bind), v => Assert.True(File.Exists(v.Source) || Directory.Exists(v.Source), $"{service} mounts {v.Source}, which is missing"));
            if (Compose.Scalar(service, "build", "context") is { } context)
            {
                var folder = Path.Combine(Compose.Folder, context);
                var dockerfile = Path.Combine(folder, Compose.Scalar(service, "build", "dockerfile") ?? "Dockerfile");
                Assert.True(File.Exists(dockerfile), dockerfile);
                Assert.All(CopySources(File.ReadAllText(dockerfile)), s =>
                    Assert.True(File.Exists(Path.Combine(folder, s)) || Directory.Exists(Path.Combine(folder, s)), $"{dockerfile} copies {s}, which is missing"));
            }
        }

        foreach (var replica in Replicas)
        {
            var environment = Compose.Environment(replica);
            var routes = Assert.Single(Compose.Volumes(replica), v => v.Target == environment["AuthProxy__RoutesFile"]);
            var users = Assert.Single(Compose.Volumes(replica), v => "@" + v.Target == environment["Users"]);
            Assert.True(routes.ReadOnly && users.ReadOnly);

            // The quick start's users, whose passwords the README gives.
            Assert.True(SamePath(users.Source, Path.Combine(RepositoryRoot, "samples", "users.json")), users.Source);

            // The repository's routes, each destination a service on the compose network at the port it listens on.
            var example = JsonNode.Parse(File.ReadAllText(routes.Source))!;
            var repository = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "routes.json")))!;
            foreach (var (cluster, destination, address) in Destinations(example))
            {
                var uri = new Uri(address);
                Assert.Contains(uri.Host, Compose.ServiceNames);
                Assert.Equal(Compose.Environment(uri.Host).GetValueOrDefault("ASPNETCORE_HTTP_PORTS"), uri.Port.ToString(CultureInfo.InvariantCulture));
                example["ReverseProxy"]!["Clusters"]![cluster]!["Destinations"]![destination]!["Address"] =
                    repository["ReverseProxy"]?["Clusters"]?[cluster]?["Destinations"]?[destination]?["Address"]?.GetValue<string>();
            }

            Assert.True(JsonNode.DeepEquals(repository, example), $"{routes.Source} differs from the repository's routes.json beyond the backend's address");
        }
    }

    [Fact]
    public void Grafana_ProvisionsTheRepositorysDashboard_WithPrometheusAsItsDataSource()
    {
        var volumes = Compose.Volumes("grafana");
        var sources = Assert.Single(volumes, v => v.Target == "/etc/grafana/provisioning/datasources");
        var providers = Assert.Single(volumes, v => v.Target == "/etc/grafana/provisioning/dashboards");

        var source = Assert.Single(Directory.GetFiles(sources.Source, "*.yaml").Select(LoadYaml)
            .SelectMany(y => ((YamlSequenceNode)ComposeFile.Child(y, "datasources")!).Children));
        Assert.Equal("prometheus", Value(source, "type"));
        Assert.Equal("true", Value(source, "isDefault"));
        var url = new Uri(Value(source, "url")!);
        Assert.Contains(url.Host, Compose.ServiceNames);
        Assert.StartsWith("prom/prometheus", Compose.Scalar(url.Host, "image"), StringComparison.Ordinal);
        Assert.Contains(Compose.Ports(url.Host), p => p.ContainerPort == url.Port);

        var provider = Assert.Single(Directory.GetFiles(providers.Source, "*.yaml").Select(LoadYaml)
            .SelectMany(y => ((YamlSequenceNode)ComposeFile.Child(y, "providers")!).Children));
        var folder = Value(ComposeFile.Child(provider, "options")!, "path")!.TrimEnd('/');
        var dashboard = Assert.Single(volumes, v => Path.GetDirectoryName(v.Target) == folder);
        Assert.True(SamePath(dashboard.Source, Path.Combine(RepositoryRoot, "deploy", "grafana", "authproxy.json")), dashboard.Source);

        // The dashboard's panels take that data source through their variable.
        var variable = Assert.Single(JsonNode.Parse(File.ReadAllText(dashboard.Source))!["templating"]!["list"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "datasource")!;
        Assert.Equal("datasource", variable["type"]!.GetValue<string>());
        Assert.Equal("prometheus", variable["query"]!.GetValue<string>());
    }

    [Fact]
    public void TheReadme_UsesThePortsComposePublishes_OnLoopbackOnly()
    {
        var published = Compose.ServiceNames.SelectMany(s => Compose.Ports(s)).ToList();
        Assert.All(published, p => Assert.Equal("127.0.0.1", p.HostAddress));

        var readme = File.ReadAllText(Path.Combine(Example, "README.md"));
        var named = LocalPort().Matches(readme).Select(m => int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture)).ToHashSet();
        Assert.All(named, port => Assert.Contains(published, p => p.HostPort == port));
        Assert.All(Replicas.Append("lb").Append("prometheus").Append("grafana"), s => Assert.Contains(Compose.Ports(s)[0].HostPort, named));
    }

    [Fact]
    public async Task TheReplicasConfiguration_RunsOnOneStore_AndARevocationOnOneIsRefusedByTheOther()
    {
        var server = await PostgresServer.GetAsync();
        var database = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync());
        var instances = new List<(ProxyHost Proxy, HttpClient Management, string MetricsPath)>();
        try
        {
            foreach (var replica in Replicas)
            {
                var environment = Compose.Environment(replica);
                var settings = environment.Where(e => !HostVariables.Contains(e.Key))
                    .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => e.Value, StringComparer.OrdinalIgnoreCase);

                // Only the compose network's names become loopback ones: the test's PostgreSQL in place of
                // the postgres service, the sample backend's process in place of the backend service, a
                // free port in place of the container's management port. Every other setting is as written.
                var connection = new NpgsqlConnectionStringBuilder(settings["AuthProxy:Store:ConnectionString"])
                {
                    Host = database.Host,
                    Port = database.Port,
                    Database = database.Database,
                    Username = database.Username,
                    Password = database.Password,
                };
                settings["AuthProxy:Store:ConnectionString"] = connection.ConnectionString;
                var port = ProxyHost.FreePort();
                settings["AuthProxy:Management:Urls"] = $"http://127.0.0.1:{port}";

                // ProxyHost hands AuthProxy the mounted routes and users from its own folder.
                var routes = JsonNode.Parse(File.ReadAllText(Assert.Single(Compose.Volumes(replica), v => v.Target == settings["AuthProxy:RoutesFile"]).Source))!;
                foreach (var (cluster, destination, _) in Destinations(routes))
                {
                    routes["ReverseProxy"]!["Clusters"]![cluster]!["Destinations"]![destination]!["Address"] = backend.BaseAddress.ToString();
                }

                var users = File.ReadAllText(Assert.Single(Compose.Volumes(replica), v => "@" + v.Target == settings["Users"]).Source);
                settings.Remove("AuthProxy:RoutesFile");
                settings.Remove("Users");

                var proxy = await ProxyHost.StartAsync(routes.ToJsonString(), users, settings);
                instances.Add((proxy, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") }, Assert.Single(Scrapes(), s => s.Host == replica).Path));
            }

            var first = instances[0].Proxy;

            // README: kevin gets a token from the first replica; every other one accepts it.
            using var minted = await first.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", "kevin-demo"));
            Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
            var token = (await minted.JsonAsync()).GetProperty("token").GetString()!;
            foreach (var (other, _, _) in instances.Skip(1))
            {
                using var accepted = await other.Client.SendAsync(Http.Get("/restpp/query/social/friends", token));
                Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            }

            // tigergraph revokes kevin's tokens on the first replica; every other one refuses it as revoked.
            using (var revoked = await first.Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kevin").WithBasic("tigergraph", "tigergraph-demo")))
            {
                Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            }

            foreach (var (other, management, metricsPath) in instances.Skip(1))
            {
                await ProxyHost.EventuallyAsync(async () =>
                {
                    using var response = await other.Client.SendAsync(Http.Get("/restpp/query/social/friends", token));
                    return response.StatusCode == HttpStatusCode.Unauthorized;
                }, "a replica refuses the token revoked on another");
                using (var refused = await other.Client.SendAsync(Http.Get("/restpp/query/social/friends", token)))
                {
                    Assert.Equal("revoked", (await refused.JsonAsync()).GetProperty("reason").GetString());
                }

                // What Prometheus scrapes from it: the store answers, every replica shares it, the
                // revocation's delay was recorded; the dashboard queries every store series, and
                // every series it queries is exported.
                var metrics = string.Empty;
                await ProxyHost.EventuallyAsync(async () =>
                {
                    metrics = await management.GetStringAsync(new Uri(metricsPath.TrimStart('/'), UriKind.Relative));
                    return Sample(metrics, "authproxy_store_instances") == instances.Count.ToString(CultureInfo.InvariantCulture);
                }, "every replica is counted as sharing the store");
                Assert.Equal("1", Sample(metrics, "authproxy_store_available"));
                Assert.Matches(@"(?m)^authproxy_store_change_delay_seconds_count\{[^}]*kind=""revoke""[^}]*\} [1-9]", metrics);

                var families = MetricFamily().Matches(metrics).Select(m => m.Groups["name"].Value).Where(n => n.StartsWith("authproxy_store_", StringComparison.Ordinal)).ToList();
                var exported = MetricName().Matches(metrics).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
                var queried = DashboardSeries().Where(n => n.StartsWith("authproxy_store_", StringComparison.Ordinal)).ToList();
                Assert.Contains("authproxy_store_available", families);
                Assert.Contains("authproxy_store_instances", families);
                Assert.Contains("authproxy_store_change_delay_seconds", families);
                Assert.All(families, f => Assert.Contains(queried, q => q == f || q.StartsWith(f + "_", StringComparison.Ordinal)));
                Assert.All(queried, q => Assert.True(exported.Contains(q), $"the dashboard queries {q}, which a replica sharing the store does not export"));
            }
        }
        finally
        {
            foreach (var (proxy, management, _) in instances)
            {
                management.Dispose();
                await proxy.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Whether AuthProxy reads an environment variable (<c>__</c> for <c>:</c>) as a setting: one the
    /// <c>config</c> verbs know and that binds to a settable property of its options class, or an
    /// element (<c>:0</c>, <c>:1</c>, ...) of a list setting.
    /// </summary>
    internal static bool IsKnownSetting(string variable)
    {
        var key = variable.Replace("__", ":", StringComparison.Ordinal);
        if (ListElement().Match(key) is { Success: true } element)
        {
            var list = element.Groups["list"].Value;
            return KnownSettings.IsList(list) || (OptionsPath(list) is [.., var last] path && Binds(path) && IsList(last.PropertyType));
        }

        // The config verbs' list also holds properties no value binds to (read-only ones, an array's
        // own Length): those are refused by the walk through the options class.
        return KnownSettings.Normalize(key) is not null && (OptionsPath(key) is not { } walked || (walked.Count > 0 && Binds(walked) && !IsList(walked[^1].PropertyType)));
    }

    /// <summary>
    /// The properties a key walks through from the options class whose section is its longest prefix,
    /// or null when no class claims it or a name on the way is no property of the class it reaches.
    /// </summary>
    private static List<PropertyInfo>? OptionsPath(string key)
    {
        var (section, type) = Sections.Where(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.Section.Length).FirstOrDefault();
        if (type is null)
        {
            return null;
        }

        var path = new List<PropertyInfo>();
        foreach (var name in key[(section.Length + 1)..].Split(':'))
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return null;
            }

            path.Add(property);
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return path;
    }

    /// <summary>A value binds at the end of the path: the last property has a public setter, and no list is walked through.</summary>
    private static bool Binds(List<PropertyInfo> path) =>
        path[^1].SetMethod is { IsPublic: true } && !path.SkipLast(1).Any(p => IsList(p.PropertyType));

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>Prometheus's targets: host, port and metrics path of each.</summary>
    private static List<(string Host, int Port, string Path)> Scrapes()
    {
        var prometheus = LoadYaml(Path.Combine(Example, "prometheus.yml"));
        return
        [
            .. ((YamlSequenceNode)ComposeFile.Child(prometheus, "scrape_configs")!).Children.SelectMany(job =>
            {
                var path = Value(job, "metrics_path") ?? "/metrics";
                return (ComposeFile.Child(job, "static_configs") as YamlSequenceNode)?.Children
                    .SelectMany(c => ComposeFile.Sequence(c, "targets"))
                    .Select(t => (t.Split(':')[0], int.Parse(t.Split(':')[1], CultureInfo.InvariantCulture), path)) ?? [];
            }),
        ];
    }

    private static HashSet<int> ManagementPorts(IReadOnlyDictionary<string, string> environment) =>
        [
            .. (environment.GetValueOrDefault("AuthProxy__Management__Urls") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(u => ListenerUrl().Match(u)).Where(m => m.Success).Select(m => int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture)),
        ];

    private static int MainPort(string replica) =>
        int.Parse(Compose.Environment(replica)["ASPNETCORE_HTTP_PORTS"].Split(';', ',')[0], CultureInfo.InvariantCulture);

    private static List<IPNetwork> TrustedProxies(IReadOnlyDictionary<string, string> environment) =>
        [
            .. environment.Where(e => e.Key.StartsWith("AuthProxy__TrustedProxies__", StringComparison.Ordinal)).Select(e =>
            {
                Assert.True(AuthProxyOptions.TryParseTrustedProxy(e.Value, out var network), $"{e.Key}={e.Value} is neither an address nor a network");
                return network;
            }),
        ];

    /// <summary>Each destination of a routes file: its cluster, its name, its address.</summary>
    private static List<(string Cluster, string Destination, string Address)> Destinations(JsonNode routes) =>
        [
            .. routes["ReverseProxy"]!["Clusters"]!.AsObject().SelectMany(c => c.Value!["Destinations"]!.AsObject()
                .Select(d => (c.Key, d.Key, d.Value!["Address"]!.GetValue<string>()))),
        ];

    /// <summary>What the Dockerfile's COPY instructions take from the build context (not from another stage).</summary>
    private static IEnumerable<string> CopySources(string dockerfile) =>
        dockerfile.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("COPY ", StringComparison.OrdinalIgnoreCase) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1));

    /// <summary>The authproxy_ series the repository's dashboard queries.</summary>
    private static IEnumerable<string> DashboardSeries() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "deploy", "grafana", "authproxy.json"))).RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .SelectMany(expr => MetricName().Matches(expr).Select(m => m.Value))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The value of an unlabelled-but-for-scope sample in Prometheus text, or null.</summary>
    private static string? Sample(string metrics, string name) =>
        Regex.Match(metrics, $@"(?m)^{Regex.Escape(name)}(?:\{{[^}}]*\}})? (?<value>\S+)$") is { Success: true } m ? m.Groups["value"].Value : null;

    private static YamlMappingNode LoadYaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Value(YamlNode node, string key) => (ComposeFile.Child(node, key) as YamlScalarNode)?.Value;

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<list>.+):\d+$")]
    private static partial Regex ListElement();

    [GeneratedRegex(@"^https?://(?:\[[^\]]*\]|[^/:\[\]]+):(?<port>\d+)/?$")]
    private static partial Regex ListenerUrl();

    [GeneratedRegex(@"(?:localhost|127\.0\.0\.1):(?<port>\d+)")]
    private static partial Regex LocalPort();

    [GeneratedRegex(@"authproxy_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(?m)^# TYPE (?<name>\S+) ")]
    private static partial Regex MetricFamily();
}
