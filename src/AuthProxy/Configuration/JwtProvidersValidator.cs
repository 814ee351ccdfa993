using AuthProxy.Keys;
using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>
/// Validates the trusted providers' configuration (<c>Security:JWT:Providers:NAME:*</c> and the CA
/// bundles) with the other options at start-up, so every problem is reported together.
/// </summary>
internal sealed class JwtProvidersValidator(IConfiguration configuration, IHostEnvironment environment, IOptions<OwnTokenOptions> own,
    IOptions<JwtProvidersOptions> providers) : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var problems = new List<string>();
        if (options.CaCertificate is { Length: > 0 } ca)
        {
            CaBundle.Load(Path.GetFullPath(ca, environment.ContentRootPath), "Security:JWT:CaCertificate (or SSL_CA_CERT)", problems);
        }

        var issuers = new Dictionary<string, string>(StringComparer.Ordinal) { [own.Value.Issuer] = $"AuthProxy's own tokens ({OwnTokenOptions.SectionName}:Issuer)" };
        if (!string.IsNullOrEmpty(options.Issuer) && (!string.IsNullOrWhiteSpace(options.RSA.PublicKey) || !string.IsNullOrWhiteSpace(options.HMAC.Secret)))
        {
            if (!issuers.TryAdd(options.Issuer, TrustedIssuers.TigerGraphProvider))
            {
                problems.Add($"Security:JWT:Issuer: '{UrlRedaction.Redact(options.Issuer)}' is already declared by {issuers[options.Issuer]}; each issuer belongs to one provider");
            }
        }

        var allowHttp = configuration.GetValue<bool>($"{KeyFetchOptions.SectionName}:{nameof(KeyFetchOptions.AllowInsecureHttp)}");
        CheckUrl(options.RSA.PublicKey, $"{TrustedIssuers.TigerGraphProvider}:RSA:PublicKey", allowHttp, problems);
        CheckUrl(options.HMAC.Secret, $"{TrustedIssuers.TigerGraphProvider}:HMAC:Secret", allowHttp, problems);

        foreach (var provider in providers.Value.Providers)
        {
            var where = provider.Path;
            var expected = where.StartsWith(BearerSchemeSection.SectionName, StringComparison.Ordinal) ? BearerSchemeSection.SettingNames : JwtProviderOptions.SettingNames;
            foreach (var unknown in provider.UnknownSettings)
            {
                problems.Add($"{where}: unknown setting '{unknown}' (expected {string.Join(", ", expected)})");
            }

            var issuer = provider.Issuer;
            if (string.IsNullOrWhiteSpace(issuer))
            {
                problems.Add($"{where}:Issuer: is required; the token's iss selects the provider");
            }
            else if (!issuers.TryAdd(issuer, where))
            {
                problems.Add($"{where}:Issuer: '{UrlRedaction.Redact(issuer)}' is already declared by {issuers[issuer]}; each issuer belongs to one provider");
            }

            foreach (var algorithm in provider.Algorithms.Where(a => !JwsAlgorithms.All.Contains(a)))
            {
                problems.Add($"{where}:Algorithms: '{algorithm}' is not one of {string.Join(", ", JwsAlgorithms.All.Order(StringComparer.Ordinal))}");
            }

            if (provider.CaCertificate is { } bundle)
            {
                CaBundle.Load(Path.GetFullPath(bundle, environment.ContentRootPath), $"{where}:CaCertificate", problems);
            }

            for (var i = 0; i < provider.Keys.Count; i++)
            {
                CheckUrl(provider.Keys[i], $"{where}:Keys:{i}", allowHttp, problems);
            }

            for (var i = 0; i < provider.Secrets.Count; i++)
            {
                CheckUrl(provider.Secrets[i], $"{where}:Secrets:{i}", allowHttp, problems);
            }

            if (provider.UsesDiscovery && issuer is { Length: > 0 } && !IsFetchable(issuer, allowHttp))
            {
                problems.Add($"{where}: has no Keys, so its keys come from OIDC discovery, which needs an https Issuer URL (got '{UrlRedaction.Redact(issuer)}')");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private void CheckUrl(string? value, string setting, bool allowHttp, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        var reference = ValueReference.Parse(value, environment.ContentRootPath);
        if (reference.Kind == ValueReferenceKind.Url && !IsFetchable(reference.Value, allowHttp))
        {
            problems.Add($"{reference.Describe(setting)}: key URLs must be absolute https URLs (set {KeyFetchOptions.SectionName}:AllowInsecureHttp=true to allow http for local development)");
        }
    }

    private static bool IsFetchable(string url, bool allowHttp) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp));
}
