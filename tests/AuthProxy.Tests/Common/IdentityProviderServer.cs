using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AuthProxy.Tests.Common;

/// <summary>
/// A WireMock.Net server standing in for an identity provider over real HTTPS: its certificate comes
/// from a test CA, it listens on a free loopback port, tests stub answers and faults with WireMock's
/// request matchers and response builders, and read request counts from its request log.
/// </summary>
/// <remarks>
/// Answers that change as requests arrive (a key rotation, errors before a recovery) are WireMock
/// scenarios whose state each answer moves. Answers the test changes at a moment of its choosing are
/// replaced with <see cref="Serve"/>, not by moving a scenario's state: WireMock.Net writes a
/// mapping's next state back once it has answered, so a request in flight (a background refresh, a
/// delayed answer) would undo the move.
/// </remarks>
internal static class IdentityProviderServer
{
    /// <summary>Starts on a free loopback port, serving TLS with <paramref name="certificate"/>.</summary>
    public static WireMockServer Start(X509Certificate2 certificate) => WireMockServer.Start(new WireMockServerSettings
    {
        // Port 0: Kestrel binds a free port, so parallel test collections never clash.
        Urls = ["https://127.0.0.1:0"],
        CertificateSettings = new WireMockCertificateSettings { X509Certificate = certificate },
        Logger = new WireMockNullLogger(),
    });

    /// <summary>The server's address by name (the test certificates name localhost and 127.0.0.1).</summary>
    public static Uri BaseAddress(this WireMockServer server) => new($"https://localhost:{server.Ports[0]}/");

    public static Uri Url(this WireMockServer server, string path) => new(server.BaseAddress(), path.TrimStart('/'));

    /// <summary>A GET of <paramref name="path"/>, whatever its query string.</summary>
    public static IRequestBuilder Get(string path) => Request.Create().WithPath(path).UsingGet();

    /// <summary>How many requests for <paramref name="path"/> reached the server, from its request log.</summary>
    public static int Hits(this WireMockServer server, string path) => server.FindLogEntries(Request.Create().WithPath(path)).Count;

    /// <summary>A 200 answer with <paramref name="body"/> as it is, of the given type.</summary>
    public static IResponseBuilder Ok(string body, string contentType = "application/json") =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", contentType).WithBody(body);

    /// <summary>
    /// Answers GETs of <paramref name="path"/> with <paramref name="response"/> from now on, replacing
    /// what it answered before at once (one mapping a path, under a GUID made from the path).
    /// </summary>
    public static void Serve(this WireMockServer server, string path, IResponseBuilder response) =>
        server.Given(Get(path)).WithGuid(MappingGuid(path)).RespondWith(response);

    private static Guid MappingGuid(string path) => new(SHA256.HashData(Encoding.UTF8.GetBytes(path)).AsSpan(0, 16));
}
