using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Propagation;

/// <summary>
/// One revocation, end to end over HTTP: a GridGain login on A for a new token, the token used on
/// B and C (so each has checked it, and remembers it, before it is revoked), the token revoked on A
/// with itself as the bearer, then B and C polled at the same time until each answers 401.
/// </summary>
internal sealed class Probe : IDisposable
{
    private const string LoginPath = "/management/v1/authentication/login";
    private const string RevokePath = "/management/v1/authentication/jwt/";
    private const string UsePath = "/restpp/query/social/q";

    private readonly Settings _settings;
    private readonly HttpClient _a;
    private readonly HttpClient _b;
    private readonly HttpClient _c;

    public Probe(Settings settings)
    {
        _settings = settings;
        _a = Client(settings.A);
        _b = Client(settings.B);
        _c = Client(settings.C);
    }

    public async Task<Revocation> RunAsync(int number, CancellationToken cancellationToken)
    {
        var loginSent = Stopwatch.GetTimestamp();
        var token = await LoginAsync(cancellationToken);
        var login = Stopwatch.GetElapsedTime(loginSent);
        await ExpectPassesAsync(_b, "B", token, cancellationToken);
        await ExpectPassesAsync(_c, "C", token, cancellationToken);

        var revokeSent = Stopwatch.GetTimestamp();
        using (var request = new HttpRequestMessage(HttpMethod.Delete, RevokePath + token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _a.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"revoking on A answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        var revoked = Stopwatch.GetTimestamp();
        var polls = await Task.WhenAll(PollAsync(_b, token, revoked, cancellationToken), PollAsync(_c, token, revoked, cancellationToken));
        var (statusOnA, _) = await UseAsync(_a, token, cancellationToken);
        return new Revocation(number, login, Stopwatch.GetElapsedTime(revokeSent, revoked), polls[0], polls[1], statusOnA == HttpStatusCode.Unauthorized);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
    }

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private async Task<string> LoginAsync(CancellationToken cancellationToken)
    {
        using var response = await _a.PostAsJsonAsync(LoginPath, new { username = _settings.User, password = _settings.Password }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"login on A answered {(int)response.StatusCode}: {body}");
        }

        return body.Trim();
    }

    private static async Task ExpectPassesAsync(HttpClient instance, string name, string token, CancellationToken cancellationToken)
    {
        var (status, body) = await UseAsync(instance, token, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"a new token answered {(int)status} on {name} before it was revoked: {body}");
        }
    }

    /// <summary>Polls <paramref name="instance"/> until it answers 401, starting a poll at most every <see cref="Settings.Interval"/>, for at most <see cref="Settings.Cap"/>.</summary>
    private async Task<Poll> PollAsync(HttpClient instance, string token, long since, CancellationToken cancellationToken)
    {
        var polls = 0;
        var unexpected = 0;
        var lastPassedSent = TimeSpan.Zero;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            var (status, body) = await UseAsync(instance, token, cancellationToken);
            var arrived = Stopwatch.GetElapsedTime(since);
            polls++;
            if (status == HttpStatusCode.Unauthorized)
            {
                // A 401 for any reason but the revocation would measure the wrong thing.
                if (!body.Contains("revoked", StringComparison.OrdinalIgnoreCase))
                {
                    unexpected++;
                }

                return new Poll(arrived, lastPassedSent, polls, Refused: true, unexpected);
            }

            if (status == HttpStatusCode.OK)
            {
                lastPassedSent = Stopwatch.GetElapsedTime(since, sent);
            }
            else
            {
                unexpected++;
            }

            if (arrived >= _settings.Cap)
            {
                return new Poll(arrived, lastPassedSent, polls, Refused: false, unexpected);
            }

            var wait = _settings.Interval - Stopwatch.GetElapsedTime(sent);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> UseAsync(HttpClient instance, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, UsePath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await instance.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
