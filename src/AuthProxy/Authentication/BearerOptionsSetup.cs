using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Authentication;

/// <summary>
/// Configures JwtBearer's <c>Bearer</c> scheme after the standard <c>Authentication:Schemes:Bearer</c>
/// section has been applied, so nothing in configuration can loosen it: tokens are decided by
/// <see cref="AuthProxyTokenHandler"/> alone, the header is read and refusals are written by
/// <see cref="BearerEvents"/>, claims are not renamed, nothing is forwarded to another scheme, and
/// JwtBearer fetches no metadata of its own. The section's issuers, audiences and signing keys
/// (<c>dotnet user-jwts</c>) are trusted as one more provider instead, with every rule a provider has
/// (<see cref="Configuration.BearerSchemeSection"/>).
/// </summary>
internal sealed class BearerOptionsSetup(AuthProxyTokenHandler handler, BearerEvents events, TimeProvider time) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != AuthSchemes.Bearer)
        {
            return;
        }

        options.UseSecurityTokenValidators = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(handler);
        options.TokenValidationParameters = new TokenValidationParameters();
        options.Events = events;
        options.EventsType = null;
        options.TimeProvider = time;
        options.MapInboundClaims = false;
        options.SaveToken = false;
        options.IncludeErrorDetails = false;
        options.RefreshOnIssuerKeyNotFound = false;
        options.Authority = null;
        options.MetadataAddress = null!;
        options.Audience = null;
        options.Configuration = null;
        options.ConfigurationManager = null;
        options.ForwardDefault = null;
        options.ForwardAuthenticate = null;
        options.ForwardChallenge = null;
        options.ForwardForbid = null;
        options.ForwardSignIn = null;
        options.ForwardSignOut = null;
        options.ForwardDefaultSelector = null;
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
